package io.jlxd.tests;

/** Test teardown steps run in order, each one even when an earlier one failed (the first failure is thrown). */
final class Teardown {
    interface Step {
        void run() throws Exception;
    }

    private Teardown() {
    }

    static void inOrder(Step... steps) throws Exception {
        Exception first = null;
        for (Step s : steps) {
            try {
                s.run();
            } catch (Exception | AssertionError e) {
                Exception wrapped = e instanceof Exception ex ? ex : new Exception(e);
                if (first == null) {
                    first = wrapped;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
