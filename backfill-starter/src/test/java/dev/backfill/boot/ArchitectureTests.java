package dev.backfill.boot;

import java.util.List;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.conditions.ArchConditions;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The package boundaries: the API apart from the engine, the JDBC access only the
 * engine's, a core that knows nothing of Spring Boot, and a starter that wires the engine
 * through its one entry.
 */
class ArchitectureTests {

	private static final JavaClasses classes = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		// core's test-jar, on the classpath as a jar in a reactor build
		.withImportOption((location) -> !location.contains("-tests.jar"))
		.importPackages("dev.backfill");

	@Test
	void apiDependsOnNeitherTheEngineNorTheStarter() {
		noClasses().that()
			.resideInAPackage("dev.backfill")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.backfill.engine..", "dev.backfill.boot..")
			.check(classes);
	}

	@Test
	void apiSignaturesShowNoJdbcType() {
		DescribedPredicate<JavaClass> jdbc = JavaClass.Predicates.resideInAPackage("dev.backfill.jdbc..");
		methods().that()
			.areDeclaredInClassesThat()
			.resideInAPackage("dev.backfill")
			.and()
			.arePublic()
			.should()
			.notHaveRawReturnType(jdbc)
			.andShould(ArchConditions.not(ArchConditions.haveRawParameterTypes(DescribedPredicate
				.describe("a jdbc type", (List<JavaClass> types) -> types.stream().anyMatch(jdbc)))))
			.check(classes);
	}

	@Test
	void coreKnowsNothingOfSpringBoot() {
		noClasses().that()
			.resideInAnyPackage("dev.backfill", "dev.backfill.engine..", "dev.backfill.jdbc..",
					"dev.backfill.throttle..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework.boot..", "dev.backfill.boot..")
			.check(classes);
	}

	@Test
	void jdbcAccessIsTheEngines() {
		classes().that()
			.resideInAPackage("dev.backfill.jdbc..")
			.should()
			.onlyHaveDependentClassesThat()
			.resideInAnyPackage("dev.backfill.jdbc..", "dev.backfill.engine..", "dev.backfill")
			.check(classes);
	}

	@Test
	void onlyTheOperatorOfTheEngineIsPublic() {
		classes().that()
			.resideInAPackage("dev.backfill.engine..")
			.and()
			.arePublic()
			.should()
			.haveNameMatching("dev\\.backfill\\.engine\\.DefaultBackfillOperator(\\$Builder)?")
			.check(classes);
	}

	@Test
	void theStarterWiresTheEngineThroughItsEntryOnly() {
		noClasses().that()
			.resideInAPackage("dev.backfill.boot..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.backfill.jdbc..")
			.orShould()
			.dependOnClassesThat(DescribedPredicate.describe("engine types but its entry",
					(c) -> c.getPackageName().startsWith("dev.backfill.engine")
							&& !c.getName().startsWith("dev.backfill.engine.DefaultBackfillOperator")))
			.check(classes);
	}

	@Test
	void throttlesAreBuiltOnTheApiAlone() {
		noClasses().that()
			.resideInAPackage("dev.backfill.throttle..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.backfill.engine..", "dev.backfill.jdbc..")
			.check(classes);
	}

}
