package io.plugboard.host.internal.leaks;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.CommandSessionListener;
import org.osgi.service.component.annotations.Component;

/**
 * Gogo's interactive shell keeps the last failed command's exception in the session variable
 * {@code exception} (for {@code $exception printStackTrace}) until another command fails. When
 * a plugin threw it, its backtrace would keep the plugin's class loader alive after an update or
 * uninstall; this listener detaches every command's exception before the shell stores it.
 */
@Component
public final class ShellExceptionDetacher implements CommandSessionListener {

    @Override
    public void beforeExecute(CommandSession session, CharSequence commandline) {
        // Nothing to do before a command.
    }

    @Override
    public void afterExecute(CommandSession session, CharSequence commandline, Exception exception) {
        Throwables.detach(exception);
    }

    @Override
    public void afterExecute(CommandSession session, CharSequence commandline, Object result) {
        // A result is shown as text; plugin commands return strings.
    }
}
