/**
 * One view of a backfill, shared by the command line's JSON, the endpoint and the status
 * page, and how its numbers and times read.
 */
@NullMarked
package dev.backfill.boot.report;

import org.jspecify.annotations.NullMarked;
