package io.jlxd.daemon;

import io.jlxd.daemon.db.Database;
import io.jlxd.daemon.db.InstanceTable;
import io.jlxd.daemon.db.ProfileTable;
import io.jlxd.daemon.db.ProjectTable;
import io.jlxd.daemon.image.ImageService;
import io.jlxd.daemon.instance.Expand;
import io.jlxd.daemon.instance.InstanceManager;
import io.jlxd.daemon.project.ProjectFeatures;
import io.jlxd.daemon.project.ProjectKeys;
import io.jlxd.daemon.project.Projects;
import io.jlxd.daemon.project.TableProjectObjects;
import io.jlxd.daemon.storage.InstanceDisks;
import io.jlxd.daemon.storage.StoragePools;

/**
 * Builds the projects service and wires it both ways with the services whose objects belong to projects: it reads
 * instances, profiles, custom volumes and image memberships; instances, disks and images ask it for their project's
 * features and keys.
 */
final class ProjectWiring {
    private ProjectWiring() {
    }

    static Projects wire(Database db, InstanceTable instanceTable, InstanceManager instances, InstanceDisks disks,
                         ImageService images, ProfileTable profiles, StoragePools pools) {
        Projects projects = new Projects(new ProjectTable(db),
                new Projects.InstanceCatalog() {
                    @Override
                    public java.util.List<String> keys() {
                        return instanceTable.names();
                    }

                    @Override
                    public java.util.Optional<Projects.Expanded> expanded(String key) {
                        return instanceTable.get(key).map(r -> {
                            var prof = instances.profileRows(r.profiles());
                            return new Projects.Expanded(Expand.config(prof, r.config()),
                                    Expand.devices(prof, r.devices()));
                        });
                    }
                });
        disks.volumeKeys((instance, source) -> projects.features().key(ProjectKeys.project(instance),
                ProjectFeatures.Feature.VOLUMES, source));
        images.features(projects.features());
        projects.objects(new TableProjectObjects(projects.features(), profiles, pools.volumes(),
                new TableProjectObjects.ImageMembers() {
                    @Override
                    public java.util.List<String> fingerprints(String project) {
                        return images.table().fingerprints(project);
                    }

                    @Override
                    public java.util.List<String> aliasKeys() {
                        return images.table().aliases().stream().map(io.jlxd.api.image.ImageAliasesEntry::name).toList();
                    }

                    @Override
                    public void renameProject(String from, String to) {
                        images.table().renameProject(from, to);
                    }
                }));
        instances.projects(projects);
        return projects;
    }
}
