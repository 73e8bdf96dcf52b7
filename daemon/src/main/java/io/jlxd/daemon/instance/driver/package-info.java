/**
 * The container driver: what the instances API calls to create, run and exec into system containers.
 *
 * <p>Rules that shape this package (see {@code /work/shared/host-notes.md}):
 * <ul>
 *   <li>liblxc is called in-process (FFM, {@link io.jlxd.daemon.instance.driver.LiblxcContainer}) only for calls
 *       that do not fork: config, state, init pid, freeze/unfreeze, stop, shutdown. Everything that forks goes
 *       through a helper process: {@code lxc-start -d} (so a container's monitor is lxc-start's ~3 MB process,
 *       never a copy of the JVM) and {@code lxc-attach} (started by {@link java.lang.ProcessBuilder}, which closes
 *       every descriptor but 0-2, so nothing else crosses into the container).</li>
 *   <li>The LXC config is generated from a neutral {@link io.jlxd.daemon.instance.driver.ContainerSpec} by
 *       {@link io.jlxd.daemon.instance.driver.LxcConfig}; it carries no {@code lxc.apparmor.*} key and no console
 *       pty, which keeps containers checkpointable by CRIU.</li>
 *   <li>Unprivileged containers get their rootfs shifted on disk by
 *       {@link io.jlxd.daemon.instance.driver.RootfsShifter}.</li>
 * </ul>
 */
package io.jlxd.daemon.instance.driver;
