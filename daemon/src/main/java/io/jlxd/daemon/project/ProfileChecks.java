package io.jlxd.daemon.project;

import io.jlxd.daemon.db.InstanceTable;
import io.jlxd.daemon.db.ProfileTable;
import io.jlxd.daemon.instance.Expand;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * LXD's check of a profile's new content: against the restrictions of the project owning it, and, for every
 * instance using it, against its project's restrictions and limits with the profile applied.
 */
public final class ProfileChecks {
    private ProfileChecks() {
    }

    public static void check(Projects projects, InstanceTable instances, ProfileTable profiles, String key, ProfileTable.Row next) {
        ProjectFeatures f = projects.features();
        Map<String, Projects.Expanded> users = new TreeMap<>();
        for (String ik : profiles.usedBy(key)) {
            instances.get(ik).ifPresent(r -> {
                List<ProfileTable.Row> prof = new ArrayList<>();
                for (String pk : r.profiles()) {
                    if (pk.equals(key)) {
                        prof.add(next);
                    } else {
                        profiles.get(pk).ifPresent(prof::add);
                    }
                }
                users.put(ik, new Projects.Expanded(Expand.config(prof, r.config()), Expand.devices(prof, r.devices())));
            });
        }
        projects.checkProfile(f.ownerOfKey(key, ProjectFeatures.Feature.PROFILES), f.nameOfKey(key, ProjectFeatures.Feature.PROFILES),
                new Projects.Expanded(next.config(), next.devices()), users);
    }
}
