package dev.backfill.boot.web;

/**
 * One part of a backfill's section of the status page, such as its chart of recent
 * batches or the table of a run's partitions. The page draws each in turn: a new part is
 * one more section, with what it reads added to {@link BackfillView}.
 */
@FunctionalInterface
interface Section {

	/**
	 * Appends this part's HTML, every value escaped.
	 * @param html the page so far
	 * @param backfill what the page read of the backfill
	 * @param page the request's time, zone, buttons and notice
	 */
	void render(StringBuilder html, BackfillView backfill, PageContext page);

}
