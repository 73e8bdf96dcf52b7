package io.jlxd.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@code jlxc info NAME}'s "Stateful" line and {@code jlxc info NAME --checkpoint}. */
class InstanceInfoCheckpointTest {
    @Test
    void aSavedStateIsShown() {
        String text = InstanceInfo.render(InstanceColumnsTest.json("""
                {"name":"c1","type":"container","status":"Stopped","stateful":true,"architecture":"x86_64"}"""));
        assertEquals("Name: c1\nStatus: STOPPED\nType: container\nArchitecture: x86_64\n"
                + "Stateful: yes (a CRIU checkpoint is saved; start restores it, start --stateless discards it)\n", text);
    }

    @Test
    void reportWithAndWithoutBlockers() {
        assertEquals("Checkpointable: yes (trial dump made)\n", InstanceInfo.checkpoint(InstanceColumnsTest.json("""
                {"checkpointable":true,"probed":true,"blockers":[]}""")));
        assertEquals("Checkpointable: no\n- The instance is frozen\n  hint: Unfreeze it first\n",
                InstanceInfo.checkpoint(InstanceColumnsTest.json("""
                        {"checkpointable":false,"probed":false,"blockers":[{"reason":"The instance is frozen","hint":"Unfreeze it first"}]}""")));
    }
}
