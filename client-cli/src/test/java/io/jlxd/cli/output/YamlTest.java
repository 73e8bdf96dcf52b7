package io.jlxd.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.jlxd.api.Json;
import org.junit.jupiter.api.Test;

class YamlTest {
    @Test
    void rendersLikeGoYaml() throws Exception {
        JsonNode node = Json.lenient().readTree("""
                {"config":{},"api_extensions":["etag","patch"],"api_version":"1.0","public":false,"pid":42,
                 "empty":"","yes":"yes","addr":"[::]:8443","list":[{"name":"dir","remote":false}],
                 "certificate":"-----BEGIN-----\\nMIIB\\n-----END-----\\n","nothing":null}""");
        assertEquals("""
                config: {}
                api_extensions:
                - etag
                - patch
                api_version: "1.0"
                public: false
                pid: 42
                empty: ""
                "yes": "yes"
                addr: "[::]:8443"
                list:
                - name: dir
                  remote: false
                certificate: |
                  -----BEGIN-----
                  MIIB
                  -----END-----
                nothing: null
                """, Yaml.render(node));
    }
}
