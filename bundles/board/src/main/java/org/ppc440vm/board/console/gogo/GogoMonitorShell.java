package org.ppc440vm.board.console.gogo;

import java.io.ByteArrayInputStream;
import java.io.PrintStream;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.ppc440vm.board.console.MonitorShell;

/**
 * The monitor on the Gogo runtime's {@link CommandProcessor}: every Gogo command of the runtime ({@code lb},
 * {@code vm:stats}, ...) from the guest's console. This class is loaded only when a CommandProcessor service exists,
 * so the board's optional import of the Gogo API is never needed without it.
 */
@Component(service = MonitorShell.class)
public final class GogoMonitorShell implements MonitorShell {

    @Reference
    CommandProcessor processor;

    @Override
    public Session open(PrintStream out) {
        CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out);
        return new Session() {
            @Override
            public void execute(String line) {
                try {
                    Object result = session.execute(line);
                    if (result != null) {
                        out.println(session.format(result, Converter.INSPECT));
                    }
                } catch (Exception e) {
                    out.println("gogo: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
                }
                out.flush();
            }

            @Override
            public String prompt() {
                return "g! ";
            }

            @Override
            public void close() {
                session.close();
            }
        };
    }
}
