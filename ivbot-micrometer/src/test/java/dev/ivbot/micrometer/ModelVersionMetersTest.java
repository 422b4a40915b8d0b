package dev.ivbot.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ivbot.onnx.ModelMetrics;
import dev.ivbot.onnx.VersionMetrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Each version's figures as meters tagged with the version; a canary's row comes and goes. */
class ModelVersionMetersTest {

    private static ModelMetrics snapshot(String canary, double share, VersionMetrics... versions) {
        Map<String, VersionMetrics> byVersion = new java.util.HashMap<>();
        for (VersionMetrics v : versions) {
            byVersion.put(v.version(), v);
        }
        return new ModelMetrics("1", versions.length, 0, 0, 0, 0, 0, canary, share, byVersion);
    }

    @Test
    void registersAVersionsMetersWhenItFirstAppearsAndReadsItsCurrentFigures() {
        AtomicReference<ModelMetrics> now = new AtomicReference<>(
                snapshot(null, 0, new VersionMetrics("1", 10, 2, 1, 0, 4.0)));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ModelVersionMeters meters = ModelVersionMeters.of(now::get, Tags.of("app", "test"));
        meters.bindTo(registry);

        assertThat(registry.get(ModelVersionMeters.TURNS).tag("version", "1").tag("app", "test")
                .functionCounter().count()).isEqualTo(10);
        assertThat(registry.get(ModelVersionMeters.FALLBACK_RATE).tag("version", "1").gauge().value()).isEqualTo(0.2);
        assertThat(registry.find(ModelVersionMeters.TURNS).tag("version", "2").functionCounter()).isNull();
        assertThat(registry.find(ModelVersionMeters.CANARY_SHARE).gauges()).isEmpty();

        // a canary of version 2 starts and both sides answer turns
        now.set(snapshot("2", 0.25, new VersionMetrics("1", 30, 3, 1, 0, 4.0),
                new VersionMetrics("2", 8, 4, 2, 1, 6.5)));
        meters.refresh();
        assertThat(registry.get(ModelVersionMeters.TURNS).tag("version", "1").functionCounter().count()).isEqualTo(30);
        assertThat(registry.get(ModelVersionMeters.TURNS).tag("version", "2").functionCounter().count()).isEqualTo(8);
        assertThat(registry.get(ModelVersionMeters.FALLBACKS).tag("version", "2").functionCounter().count()).isEqualTo(4);
        assertThat(registry.get(ModelVersionMeters.LOW_CONFIDENCE).tag("version", "2").functionCounter().count())
                .isEqualTo(2);
        assertThat(registry.get(ModelVersionMeters.DEGRADED).tag("version", "2").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get(ModelVersionMeters.FALLBACK_RATE).tag("version", "2").gauge().value()).isEqualTo(0.5);
        assertThat(registry.get(ModelVersionMeters.LOW_CONFIDENCE_RATE).tag("version", "2").gauge().value())
                .isEqualTo(0.25);
        assertThat(registry.get(ModelVersionMeters.DEGRADED_RATE).tag("version", "2").gauge().value()).isEqualTo(0.125);
        assertThat(registry.get(ModelVersionMeters.LATENCY_MEAN).tag("version", "2").gauge().value()).isEqualTo(6.5);
        assertThat(registry.get(ModelVersionMeters.CANARY_SHARE).tag("version", "2").gauge().value()).isEqualTo(0.25);

        // promoted: the canary row goes, the counters stay
        now.set(snapshot(null, 0, new VersionMetrics("1", 30, 3, 1, 0, 4.0),
                new VersionMetrics("2", 9, 4, 2, 1, 6.5)));
        meters.refresh();
        assertThat(registry.find(ModelVersionMeters.CANARY_SHARE).gauges()).isEmpty();
        assertThat(registry.get(ModelVersionMeters.TURNS).tag("version", "2").functionCounter().count()).isEqualTo(9);
    }

    @Test
    void aSecondRegistryBoundLaterGetsTheVersionsSeenBefore() {
        ModelMetrics m = snapshot(null, 0, new VersionMetrics("1", 5, 0, 0, 0, 1.0), new VersionMetrics("2", 7, 1, 0, 0, 1.0));
        ModelVersionMeters meters = ModelVersionMeters.of(() -> m, Tags.empty());
        SimpleMeterRegistry first = new SimpleMeterRegistry();
        SimpleMeterRegistry second = new SimpleMeterRegistry();
        meters.bindTo(first);
        meters.bindTo(second);
        assertThat(second.get(ModelVersionMeters.TURNS).tag("version", "1").functionCounter().count()).isEqualTo(5);
        assertThat(second.get(ModelVersionMeters.TURNS).tag("version", "2").functionCounter().count()).isEqualTo(7);
    }
}
