/**
 * Partitions of a run handed to worker processes over RabbitMQ.
 */
@NullMarked
package dev.backfill.boot.remote;

import org.jspecify.annotations.NullMarked;
