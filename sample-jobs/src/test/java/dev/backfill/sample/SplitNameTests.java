package dev.backfill.sample;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SplitNameTests {

	@Test
	void twoWordsSplitIntoFirstAndLast() {
		assertThat(SampleBackfills.splitName("Ada Lovelace")).containsExactly("Ada", "Lovelace");
	}

	@Test
	void oneWordHasNoLastName() {
		assertThat(SampleBackfills.splitName("Ada")).containsExactly("Ada", null);
	}

	@Test
	void manyWordsKeepTheRestAsLastName() {
		assertThat(SampleBackfills.splitName("Grace Brewster Murray Hopper")).containsExactly("Grace",
				"Brewster Murray Hopper");
	}

	@Test
	void extraSpacesAreIgnored() {
		assertThat(SampleBackfills.splitName("  Alan   Mathison  Turing ")).containsExactly("Alan", "Mathison Turing");
	}

	@Test
	void blankNameBecomesAnEmptyFirstNameSoItIsNotPendingForever() {
		assertThat(SampleBackfills.splitName("   ")).containsExactly("", null);
	}

}
