package dev.ivbot.kafka.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ivbot.kafka.TurnRecord;
import java.io.IOException;

/** Jackson (de)serialisation of {@link TurnRecord}. Thread-safe: an ObjectMapper is, once configured. */
public final class TurnRecordJson {

    // a consumer of version 1 must accept fields added later within the version
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private TurnRecordJson() {}

    public static byte[] write(TurnRecord record) {
        try {
            return MAPPER.writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("turn record not serialisable", e);
        }
    }

    public static TurnRecord read(byte[] json) {
        try {
            return MAPPER.readValue(json, TurnRecord.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a turn record: " + e.getMessage(), e);
        }
    }
}
