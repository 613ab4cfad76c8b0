package io.plugboard.bench;

/** One part of the benchmark; adds its tables to the report. */
interface Scenario {

    /** Runs the scenario and reports its figures. */
    void run(BenchOptions options, Workspace workspace, Report report) throws Exception;
}
