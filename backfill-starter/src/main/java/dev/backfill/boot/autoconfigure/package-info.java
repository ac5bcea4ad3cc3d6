/**
 * Auto-configuration of the backfill engine for Spring Boot.
 */
@NullMarked
package dev.backfill.boot.autoconfigure;

import org.jspecify.annotations.NullMarked;
