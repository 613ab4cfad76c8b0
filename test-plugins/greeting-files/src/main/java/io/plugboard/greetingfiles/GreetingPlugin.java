package io.plugboard.greetingfiles;

import java.util.concurrent.atomic.AtomicLong;

import org.osgi.service.log.Logger;

import io.plugboard.api.greeter.Greeter;

/** The greeter one {@code *.greeting} file describes. */
final class GreetingPlugin implements Greeter {

    private final GreetingFile file;
    private final Logger logger;
    private final AtomicLong greeted = new AtomicLong();

    /** @param logger the plugin's own logger, {@code plugin:<name> <version>} */
    GreetingPlugin(GreetingFile file, Logger logger) {
        this.file = file;
        this.logger = logger;
    }

    @Override
    public String greet(String name) {
        if (name == null) {
            throw new IllegalArgumentException("name must not be null");
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        greeted.incrementAndGet();
        return file.greeting() + ", " + name.strip() + "!";
    }

    GreetingFile file() {
        return file;
    }

    Logger logger() {
        return logger;
    }

    /** How many greetings it gave. */
    long greeted() {
        return greeted.get();
    }
}
