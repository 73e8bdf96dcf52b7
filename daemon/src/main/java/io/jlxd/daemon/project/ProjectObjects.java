package io.jlxd.daemon.project;

import java.util.List;

/**
 * The objects a project owns through its features (images, profiles, custom volumes), as {@link Projects} needs them:
 * for {@code used_by}, LXD's "empty project" rule, and the project's own {@code default} profile.
 */
public interface ProjectObjects {
    /** The URLs of the images, profiles and custom volumes {@code project} owns (LXD's {@code used_by} entries). */
    List<String> urls(String project);

    /** The URLs of what {@code project} owns besides its own {@code default} profile (an empty project has none). */
    List<String> contents(String project);

    /** The custom volumes {@code project} owns (features.storage.volumes), name → {@code size} ("" when unset). */
    java.util.Map<String, String> volumeSizes(String project);

    /** Default's stored names that would read as keys of {@code project}'s objects of that kind ({@code project_...}). */
    List<String> clashes(String project, ProjectFeatures.Feature f);

    /** Creates the project's own {@code default} profile (LXD's, empty). */
    void createDefaultProfile(String project);

    /** Removes the project's own {@code default} profile, if any. */
    void deleteDefaultProfile(String project);

    /** Renames the stored keys of an (empty) project's own objects. */
    void rename(String from, String to);
}
