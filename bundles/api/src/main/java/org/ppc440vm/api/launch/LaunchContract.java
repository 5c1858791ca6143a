package org.ppc440vm.api.launch;

/**
 * What the {@code ./ppc440vm} launcher provides to the bundles it starts. Only JDK types cross this line (the
 * launcher lives outside the framework), each as a service with the property {@value #ROLE_PROPERTY}:
 * <ul>
 * <li>{@value #ROLE_OPTIONS}: a {@code java.util.Map<String, java.util.List<String>>} of the command-line options
 * (key without the leading dash; {@value #SUBCOMMAND_KEY} for a subcommand, {@value #ARGS_KEY} for its arguments),
 * repeated options in order;</li>
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
    /** Framework property: the project's version, as {@code ./ppc440vm --version} prints it. */
    public static final String VERSION_PROPERTY = "ppc440vm.version";

    private LaunchContract() {
    }
}
