package io.jlxd.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jlxd.api.Json;
import io.jlxd.api.Operation;
import io.jlxd.cli.client.JlxdClient;
import java.util.List;
import org.junit.jupiter.api.Test;

class OperationRowTest {
    @Test
    void rowLikeLxc() throws Exception {
        Operation op = JlxdClient.convert(Json.lenient().readTree("""
                {"id":"u1","class":"websocket","description":"Executing command",
                 "created_at":"2025-11-25T23:30:59.9+02:00","status":"Running","status_code":103,
                 "may_cancel":true,"err":"","some_future_field":{}}"""), Operation.class);
        assertEquals(List.of("u1", "WEBSOCKET", "Executing command", "RUNNING", "YES", "2025/11/25 21:30 UTC"),
                OperationCommand.row(op));
        assertEquals(List.of("ID", "TYPE", "DESCRIPTION", "STATUS", "CANCELABLE", "CREATED"), OperationCommand.HEADER);
    }
}
