package dev.ivbot.testkit;

import dev.ivbot.kb.KnowledgeBase;

/**
 * Small knowledge bases for tests of other modules (stores, classifiers, benchmarks), so that they
 * need neither the demo KB on disk nor the rule classifier.
 *
 * <p>Stateless and thread-safe.
 */
public final class TestKnowledgeBases {

    /** The intents of {@link #tiny()}. */
    public static final String LEAVE = "leave_policy";
    public static final String INTERVIEW = "interview_process";
    public static final String SALARY = "salary";

    /** The YAML of {@link #tiny()}: three intents, two slots, every message. */
    public static final String TINY_YAML = """
            name: Tiny Test HR
            settings:
              confidence_threshold: 0.45
              clarify_margin: 0.15
            messages:
              fallback: {zh: "抱歉，我没理解您的问题。", en: "Sorry, I didn't get that."}
              clarify: {zh: "您想问的是以下哪一个？{choices}", en: "Which of these did you mean? {choices}"}
              busy: {zh: "系统繁忙，请稍后重试。", en: "The system is busy, please retry in a moment."}
            followup_fillers:
              zh: [那, 呢, 吗]
              en: [and, what, about]
            slots:
              leave_type:
                annual: [年假, annual leave]
                sick: [病假, sick leave]
              track:
                campus: [校招, campus]
                intern: [实习, intern]
            intents:
              - id: leave_policy
                title: {zh: 假期政策, en: Leave policy}
                slots: [leave_type, track]
                examples:
                  zh: [年假有几天, 病假怎么请]
                  en: [how many vacation days]
                answers:
                  - zh: 假期按公司政策执行。
                    en: Leave follows the company policy.
                  - when: {leave_type: annual}
                    zh: 年假每年15天。
                    en: 15 days of annual leave a year.
                  - when: {leave_type: sick}
                    zh: 病假每年10天。
                    en: 10 days of sick leave a year.
              - id: interview_process
                title: {zh: 面试流程, en: Interview process}
                slots: [track]
                examples:
                  zh: [面试有几轮]
                  en: [how many interview rounds]
                answers:
                  - zh: 面试共三轮。
                    en: There are three interview rounds.
              - id: salary
                title: {zh: 薪资, en: Salary}
                slots: []
                examples:
                  zh: [工资多少]
                  en: [what is the salary]
                answers:
                  - zh: 薪资面议。
                    en: Salary is negotiable.
            """;

    private TestKnowledgeBases() {}

    /** A three-intent KB: leave (with leave_type/track variants), interview, salary. */
    public static KnowledgeBase tiny() {
        return KnowledgeBase.fromYaml("tiny-test-kb.yaml", TINY_YAML);
    }
}
