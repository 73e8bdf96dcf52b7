package io.jlxd.api;

import java.time.OffsetDateTime;

/**
 * A warning ({@code /1.0/warnings/{uuid}}), LXD's shape: {@code severity} low, moderate or high; {@code status} new,
 * acknowledged or resolved; {@code location} the server's name ("none" on a standalone LXD: jlxd is never clustered).
 */
public record Warning(String uuid, String location, String project, String type, int count, OffsetDateTime firstSeenAt,
                      OffsetDateTime lastSeenAt, String lastMessage, String severity, String status, String entityUrl) {
}
