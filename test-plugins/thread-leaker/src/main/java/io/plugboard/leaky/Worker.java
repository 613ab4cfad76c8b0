package io.plugboard.leaky;

/** Sleeps in a loop until interrupted: the thread {@link LeakyGreeter} leaves behind. */
final class Worker implements Runnable {

    static final String NAME = "leaky-worker";

    @Override
    public void run() {
        try {
            while (true) {
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            // The only way out: tests interrupt the thread by name when they are done with it.
        }
    }
}
