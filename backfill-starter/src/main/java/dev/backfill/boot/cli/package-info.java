/**
 * The backfill command line: its commands, their JSON, exit codes and live progress.
 */
@NullMarked
package dev.backfill.boot.cli;

import org.jspecify.annotations.NullMarked;
