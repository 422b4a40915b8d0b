package dev.ivbot.kb.lint;

import java.util.List;

/**
 * What {@link KbLinter#lint} found, sorted by file, line and code.
 *
 * @param findings every finding; empty for a clean KB
 * @param skipped checks that did not run and why (for example the confusion check without a model)
 *
 * <p>Immutable and thread-safe.
 */
public record LintReport(List<LintFinding> findings, List<String> skipped) {

    public LintReport {
        findings = List.copyOf(findings);
        skipped = List.copyOf(skipped);
    }

    public List<LintFinding> errors() {
        return findings.stream().filter(f -> f.severity() == LintFinding.Severity.ERROR).toList();
    }

    public List<LintFinding> warnings() {
        return findings.stream().filter(f -> f.severity() == LintFinding.Severity.WARNING).toList();
    }

    public boolean hasErrors() {
        return findings.stream().anyMatch(f -> f.severity() == LintFinding.Severity.ERROR);
    }
}
