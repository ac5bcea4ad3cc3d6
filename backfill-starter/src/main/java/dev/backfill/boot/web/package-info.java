/**
 * The server-rendered backfill status page.
 */
@NullMarked
package dev.backfill.boot.web;

import org.jspecify.annotations.NullMarked;
