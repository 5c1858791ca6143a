package org.ppc440vm.api.launch;

/**
 * What the {@code ./ppc440vm} launcher provides to the bundles it starts. Only JDK types cross this line (the
 * launcher lives outside the framework), each as a service with the property {@value #ROLE_PROPERTY}:
 * <ul>
 * <li>{@value #ROLE_OPTIONS}: a {@code java.util.Map<String, java.util.List<String>>} of the command-line options
 * (key without the leading dash; {@value #SUBCOMMAND_KEY} for a subcommand, {@value #ARGS_KEY} for its arguments,
 * {@value #ORDER_KEY} for the order of all options), repeated options in order;</li>
 * <li>{@value #ROLE_STDOUT} and {@value #ROLE_STDIN}: a {@code java.io.OutputStream} and {@code java.io.InputStream},
 * the process's real standard streams. stdout belongs to the guest (its console) or to the program under
 * {@code user}; everything else (logs, framework chatter) is sent to stderr;</li>
 * <li>{@value #ROLE_EXIT}: a {@code java.util.function.IntConsumer}; accepting a status ends the process with it.</li>
 * </ul>
 */
public final class LaunchContract {
    public static final String ROLE_PROPERTY = "ppc440vm.launch.role";
    public static final String ROLE_OPTIONS = "options";
    public static final String ROLE_STDOUT = "stdout";
    public static final String ROLE_STDIN = "stdin";
    public static final String ROLE_EXIT = "exit";
    public static final String SUBCOMMAND_KEY = "@subcommand";
    public static final String ARGS_KEY = "@args";
    /**
     * Options-map key: the names of the options (without the dash) in the order the command line gave them, one
     * entry per occurrence, e.g. {@code ["M", "drive", "netdev", "device", "nographic"]}. The other keys keep the
     * order within one option only; this one keeps it across options (virtio devices are placed in this order).
     * Empty under a subcommand; absent from older launchers, so readers fall back to their own order then.
     */
    public static final String ORDER_KEY = "@order";
    /** Framework property: the project's version, as {@code ./ppc440vm --version} prints it. */
    public static final String VERSION_PROPERTY = "ppc440vm.version";

    private LaunchContract() {
    }
}
