package dev.backfill.test;

import java.util.List;

import dev.backfill.jdbc.BatchRecord;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks the batch log of one run: ranges that follow each other with no gap and no
 * overlap, batches numbered 1..n.
 */
public final class BatchLogAssert {

	private BatchLogAssert() {
	}

	public static void assertContiguous(List<BatchRecord> batches) {
		assertThat(batches).isNotEmpty();
		for (int i = 0; i < batches.size(); i++) {
			BatchRecord batch = batches.get(i);
			assertThat(batch.batchNo()).as("batch numbers").isEqualTo(i + 1);
			if (i > 0) {
				assertThat(batch.fromKey()).as("batch %d starts where batch %d ended", i + 1, i)
					.isEqualTo(batches.get(i - 1).toKey());
			}
		}
	}

}
