/**
 * The backfill command line: list, run and status, exit codes and live progress.
 */
@NullMarked
package dev.backfill.boot.cli;

import org.jspecify.annotations.NullMarked;
