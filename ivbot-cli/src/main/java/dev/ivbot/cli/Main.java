package dev.ivbot.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./ivbot}. Each {@link #run} builds its own command objects: thread-safe. */
@Command(name = "ivbot", mixinStandardHelpOptions = true, version = "ivbot 0.1.0-SNAPSHOT",
        description = "ivbot: an embeddable HR question-answering SDK. Commands for trying it, measuring it and training its model.",
        subcommands = {ChatCommand.class, EvalCommand.class, BenchCommand.class, TrainCommand.class, TuneCommand.class, ImportDatasetCommand.class, KbCommand.class, ReviewCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (tests call this). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("ivbot: " + e.getMessage());
            return 2;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
