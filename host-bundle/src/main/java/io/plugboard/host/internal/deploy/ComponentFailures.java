package io.plugboard.host.internal.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.osgi.framework.Bundle;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * Why an active plugin bundle runs no plugin: a component of it that Declarative Services tried
 * to activate and that threw. The bundle itself is active then, so the framework's state says
 * nothing; SCR keeps the failure (DS 1.4), which this words in one line.
 */
final class ComponentFailures {

    private ComponentFailures() {
    }

    /**
     * {@code its component failed to activate: <message>} (naming the components when several
     * failed) for an active bundle whose components DS tried to activate and that threw; empty
     * if none did, or {@code scr} (SCR's runtime service) is null.
     */
    static Optional<String> of(ServiceComponentRuntime scr, Bundle bundle) {
        if (scr == null || bundle.getState() != Bundle.ACTIVE) {
            return Optional.empty();
        }
        List<String> failures = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try {
            for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(bundle)) {
                for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                    if (configuration.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                        failures.add(reason(configuration.failure));
                        names.add(description.name);
                        break;
                    }
                }
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            return Optional.empty(); // the bundle or SCR went meanwhile: nothing to tell
        }
        if (failures.isEmpty()) {
            return Optional.empty();
        }
        if (failures.size() == 1) {
            return Optional.of("its component failed to activate: " + failures.get(0));
        }
        List<String> each = new ArrayList<>();
        for (int i = 0; i < failures.size(); i++) {
            each.add(names.get(i) + ": " + failures.get(i));
        }
        return Optional.of("its components failed to activate: " + String.join("; ", each));
    }

    /**
     * The line that says what went wrong. SCR keeps the whole stack trace: its root cause (the
     * last {@code Caused by:}) is the plugin's own exception when SCR wrapped it, else the first
     * line is; the exception's class name is dropped when it has a message.
     */
    static String reason(String failure) {
        if (failure == null || failure.isBlank()) {
            return "no reason given";
        }
        String line = failure.strip().lines().findFirst().orElse("").strip();
        for (String l : failure.lines().toList()) {
            if (l.startsWith("Caused by: ")) {
                line = l.substring("Caused by: ".length()).strip();
            }
        }
        int colon = line.indexOf(": ");
        if (colon > 0 && line.substring(0, colon).matches("[\\w.$]+")) {
            return line.substring(colon + 2);
        }
        return line;
    }
}
