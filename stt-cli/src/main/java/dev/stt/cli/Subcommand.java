package dev.stt.cli;

import java.util.List;

/** One verb of the {@code stt} command line. */
interface Subcommand {

    String name();

    /** One line for {@code stt help}. */
    String summary();

    /** @return the process exit status */
    int run(List<String> args) throws Exception;
}
