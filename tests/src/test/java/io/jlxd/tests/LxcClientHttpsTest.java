package io.jlxd.tests;

/**
 * Every scenario of {@link LxcClientTest}, with Debian's {@code lxc} 5.0.2 using jlxd as a remote over HTTPS: added
 * with a trust token ({@code lxc remote add jl TOKEN}) and made the default remote (in the inherited set-up), so that
 * each command (list, launch, exec, console, files, config, profiles, images, publish, snapshots, storage,
 * operations, monitor, query) goes through HTTPS with lxc's client certificate, and its websockets too. These
 * exchanges do not pass the contract proxy (the socket run checks the same ones against openapi.yaml).
 */
class LxcClientHttpsTest extends LxcClientTest {
    @Override
    boolean viaSocket() {
        return false;
    }
}
