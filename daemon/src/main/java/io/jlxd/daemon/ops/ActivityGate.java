package io.jlxd.daemon.ops;

/**
 * Counts the work that may change state (changing requests while their handler runs, operations while they work) so
 * that the garbage collector can run a pass at a quiet moment: {@link #tryBeginExclusive} succeeds only when nothing
 * is active, and while the pass runs new work waits in {@link #enter}. The collector polls; it never makes requests
 * wait for it to find a quiet moment. One gate per process ({@link #GLOBAL}): the daemon is one per JVM.
 */
public final class ActivityGate {
    public static final ActivityGate GLOBAL = new ActivityGate();

    private int active;
    private boolean exclusive;

    /** Marks the start of changing work; waits while an exclusive pass runs. */
    public synchronized void enter() {
        boolean interrupted = false;
        while (exclusive) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        active++;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    public synchronized void exit() {
        active--;
        notifyAll();
    }

    /** Begins an exclusive pass if nothing is active; new work then waits until {@link #endExclusive}. */
    public synchronized boolean tryBeginExclusive() {
        if (active > 0 || exclusive) {
            return false;
        }
        exclusive = true;
        return true;
    }

    public synchronized void endExclusive() {
        exclusive = false;
        notifyAll();
    }

    public synchronized int active() {
        return active;
    }
}
