package io.jlxd.tests;

import static io.jlxd.tests.ServerConfigApiTest.assertError;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Unknown paths (404) and wrong methods (405 with Allow) answer error envelopes. */
class ApiErrorsTest extends DaemonTestBase {

    private static Set<String> allow(Response r) {
        String allow = r.getHeader("Allow");
        assertNotNull(allow, "405 must carry an Allow header");
        return Arrays.stream(allow.split(",")).map(String::trim).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void unknownPathsAre404() {
        for (String path : new String[] {"/1.0/nothing", "/2.0", "/1.0/operations/x/y/z", "/1.0/instances-typo"}) {
            Response r = given().header(ContractFilter.undocumentedRoute()).when().get(path);
            assertError(r, 404);
        }
    }

    @Test
    void wrongMethodsAre405WithAllow() {
        Response r = given().header(ContractFilter.undocumentedRoute()).when().delete("/1.0");
        assertError(r, 405);
        assertEquals(new TreeSet<>(Set.of("GET", "PUT", "PATCH")), allow(r));

        r = given().header(ContractFilter.undocumentedRoute()).contentType(ContentType.JSON).body("{}")
                .when().post("/1.0");
        assertError(r, 405);
        assertEquals(new TreeSet<>(Set.of("GET", "PUT", "PATCH")), allow(r));

        r = given().header(ContractFilter.undocumentedRoute()).when().delete("/1.0/operations");
        assertError(r, 405);
        assertEquals(Set.of("GET"), allow(r));

        r = given().header(ContractFilter.undocumentedRoute()).when().put("/");
        assertError(r, 405);
        assertEquals(Set.of("GET"), allow(r));
    }
}
