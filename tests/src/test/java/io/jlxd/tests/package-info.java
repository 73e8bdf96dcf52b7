/**
 * End-to-end tests of jlxd: the real daemon ({@link io.jlxd.tests.JlxdDaemon}, one per test class through
 * {@link io.jlxd.tests.DaemonTestBase}), the real CLI ({@link io.jlxd.tests.Jlxc}), REST Assured over the Unix socket
 * ({@link io.jlxd.tests.UnixSocket}, {@link io.jlxd.tests.UnixSocketHttpClient}) with every exchange checked against
 * openapi.yaml ({@link io.jlxd.tests.ContractFilter}, {@link io.jlxd.tests.OpenApiContract}), and a minimal websocket
 * client for /1.0/events ({@link io.jlxd.tests.EventStream}).
 *
 * <p>Run: {@code mvn -B -q -DskipTests install && mvn -B -pl tests test} (JDK 25). Set
 * {@code -Djlxd.tests.showDaemonLog=true} to print each daemon's stderr after its test class.
 *
 * <p>Negative tests that deliberately leave the contract mark the request with
 * {@link io.jlxd.tests.ContractFilter#invalidRequest()} or {@link io.jlxd.tests.ContractFilter#undocumentedRoute()};
 * everything else must conform exactly, or the test fails.
 */
package io.jlxd.tests;
