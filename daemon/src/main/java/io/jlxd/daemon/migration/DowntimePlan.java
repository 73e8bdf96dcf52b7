package io.jlxd.daemon.migration;

/**
 * The choice a downtime budget ({@code migration.downtime.max}, or the request's {@code downtime_max}) makes for a
 * move of a running instance asked live, before anything is frozen: live (CRIU) when possible and its estimate fits,
 * else near-live (file system copied while running, then a short stop, a last pass and a start on the target) when
 * its estimate fits, else a refusal naming both estimates. Pure: the estimates come from the pre-flight.
 *
 * @param kind   what to do
 * @param reason one sentence for the operation's metadata and the log (or the refusal's message)
 */
record DowntimePlan(Kind kind, String reason) {
    enum Kind { LIVE, NEAR_LIVE, REFUSE }

    /**
     * @param budgetMs     the budget, or null (none: live as asked)
     * @param liveBlocker  why a live move is impossible (a CRIU blocker), or null
     * @param liveMs       the live move's expected freeze
     * @param nearLiveMs   the near-live move's expected time out of service
     */
    static DowntimePlan choose(Long budgetMs, String liveBlocker, long liveMs, long nearLiveMs) {
        if (budgetMs == null) {
            return new DowntimePlan(Kind.LIVE, "no downtime budget: live as asked");
        }
        String live = liveBlocker != null ? "live is impossible (" + liveBlocker + ")"
                : "live is estimated at " + liveMs + " ms";
        if (liveBlocker == null && liveMs <= budgetMs) {
            return new DowntimePlan(Kind.LIVE, live + ", within the budget of " + budgetMs + " ms");
        }
        if (nearLiveMs <= budgetMs) {
            return new DowntimePlan(Kind.NEAR_LIVE, live + ", near-live at " + nearLiveMs + " ms, within the budget of " + budgetMs + " ms");
        }
        return new DowntimePlan(Kind.REFUSE, "The instance cannot be moved within the downtime budget of " + budgetMs + " ms: "
                + live + " and near-live at " + nearLiveMs + " ms");
    }
}
