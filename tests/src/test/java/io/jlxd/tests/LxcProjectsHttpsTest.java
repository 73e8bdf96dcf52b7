package io.jlxd.tests;

/**
 * {@link LxcProjectsTest}'s lxc scenario ({@code project *}, {@code --project}, {@code --all-projects}, per-project
 * images, profiles and volumes) with Debian's {@code lxc} 5.0.2 using jlxd as an HTTPS remote added with a trust
 * token (its default remote). pylxd's project scenario runs on the socket only (in LxcProjectsTest).
 */
class LxcProjectsHttpsTest extends LxcProjectsTest {
    @Override
    boolean viaSocket() {
        return false;
    }
}
