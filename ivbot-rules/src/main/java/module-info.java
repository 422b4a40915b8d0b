/** The rule classifier: keyword rules and a softmax over character n-grams, trained per KB. */
module dev.ivbot.rules {
    requires transitive dev.ivbot.core;
    requires org.slf4j;

    exports dev.ivbot.rules;
}
