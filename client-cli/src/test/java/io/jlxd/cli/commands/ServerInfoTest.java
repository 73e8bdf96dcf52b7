package io.jlxd.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jlxd.api.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerInfoTest {
    @Test
    void lxdOrderSortedConfigAndMaskedSecrets() throws Exception {
        JsonNode server = Json.lenient().readTree("""
                {"environment":{"server":"jlxd"},"auth_methods":["tls"],"public":false,"auth":"trusted",
                 "api_version":"1.0","api_status":"stable","api_extensions":["etag"],"new_field":1,
                 "config":{"user.z":"1","core.trust_password":"hunter2","user.api_key":"k","user.token":"",
                           "core.https_address":":8443","acme.certificate":"x","user.tls_cert":"pem"}}""");
        JsonNode view = ServerInfo.forDisplay(server);
        List<String> fields = new ArrayList<>();
        view.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("config", "api_extensions", "api_status", "api_version", "auth", "public",
                "auth_methods", "environment", "new_field"), fields);
        List<String> keys = new ArrayList<>();
        view.get("config").fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("acme.certificate", "core.https_address", "core.trust_password", "user.api_key",
                "user.tls_cert", "user.token", "user.z"), keys);
        assertEquals("SENSITIVE", view.at("/config/core.trust_password").asText());
        assertEquals("SENSITIVE", view.at("/config/user.api_key").asText());
        assertEquals("SENSITIVE", view.at("/config/user.tls_cert").asText());
        assertEquals("", view.at("/config/user.token").asText(), "empty values are not masked");
        assertEquals("x", view.at("/config/acme.certificate").asText(), "\"certificate\" does not end in \"cert\"");
        assertEquals(":8443", view.at("/config/core.https_address").asText());
        assertEquals("hunter2", server.at("/config/core.trust_password").asText(), "input left untouched");
    }

    @Test
    void sensitiveKeys() {
        assertTrue(ServerInfo.isSensitive("core.trust_password"));
        assertTrue(ServerInfo.isSensitive("loki.auth.secret"));
        assertTrue(ServerInfo.isSensitive("core.bgp_hmac"));
        assertTrue(ServerInfo.isSensitive("token"));
        assertFalse(ServerInfo.isSensitive("user.key.name"));
        assertFalse(ServerInfo.isSensitive("core.https_address"));
    }
}
