// Runs N real Elasticsearch 8 nodes in one JVM, assembled from Maven Central artifacts (no distribution
// tarball is reachable here). Built and started by deploy/elasticsearch.sh; test and dev use only.
//
// Usage: java -cp 'lib/*:classes' org.elasticsearch.node.SohoaEsNodes BASE_PATH NUM_NODES BASE_HTTP_PORT BASE_TRANSPORT_PORT CLUSTER_NAME
// Node i (1-based) listens on 127.0.0.1:BASE_HTTP_PORT+i.

package org.elasticsearch.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.index.analysis.PreConfiguredTokenFilter;
import org.elasticsearch.env.Environment;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.MockPluginsService;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.plugins.PluginsService;
import java.util.Collection;
import java.util.Map;
import org.elasticsearch.transport.netty4.Netty4Plugin;

// Lives in org.elasticsearch.node because the hook that loads plugins from the class path is package-private
// (the test framework's MockNode uses it too, but MockNode also boots the randomized test harness, which
// refuses to run as root).
public class SohoaEsNodes {

    static final class ClasspathNode extends Node {
        ClasspathNode(Settings settings, Collection<Class<? extends Plugin>> plugins) {
            super(NodeConstruction.prepareConstruction(
                InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null, () -> settings.get("node.name")),
                new NodeServiceProvider() {
                    @Override
                    PluginsService newPluginService(Environment environment, Settings nodeSettings) {
                        return new MockPluginsService(nodeSettings, environment, plugins);
                    }
                },
                true));
        }
    }

    /** asciifolding, which our mapping uses; the analysis-common module that normally has it is not on Maven Central. */
    public static class FoldingPlugin extends Plugin implements AnalysisPlugin {
        @Override
        public List<PreConfiguredTokenFilter> getPreConfiguredTokenFilters() {
            List<PreConfiguredTokenFilter> filters = new ArrayList<>();
            filters.add(PreConfiguredTokenFilter.singleton("asciifolding", true, ASCIIFoldingFilter::new));
            return filters;
        }
    }

    public static void main(String[] args) throws Exception {
        Path base = Path.of(args[0]);
        int nodes = Integer.parseInt(args[1]);
        int httpBase = Integer.parseInt(args[2]);
        int transportBase = Integer.parseInt(args[3]);
        String cluster = args[4];
        LogConfigurator.configureESLogging();
        LogConfigurator.configureWithoutConfig(Settings.EMPTY);
        List<String> seeds = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            seeds.add("127.0.0.1:" + (transportBase + i));
            names.add("node-" + i);
        }
        List<Node> running = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Node node : running) {
                try { node.close(); } catch (Exception ignored) { }
            }
        }));
        for (int i = 1; i <= nodes; i++) {
            Path home = base.resolve("node-" + i);
            Files.createDirectories(home.resolve("data"));
            Files.createDirectories(home.resolve("logs"));
            Settings settings = Settings.builder()
                .put("path.home", home.toString())
                .put("path.data", home.resolve("data").toString())
                .put("path.logs", home.resolve("logs").toString())
                .put("cluster.name", cluster)
                .put("node.name", "node-" + i)
                .put("network.host", "127.0.0.1")
                .put("http.port", httpBase + i)
                .put("transport.port", transportBase + i)
                .put("http.type", "netty4")
                .put("transport.type", "netty4")
                .putList("discovery.seed_hosts", seeds)
                .putList("cluster.initial_master_nodes", names)
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                .put("action.destructive_requires_name", false)
                .build();
            Node node = new ClasspathNode(settings, List.of(Netty4Plugin.class, FoldingPlugin.class));
            // Start nodes in parallel so the first can find its peers during discovery.
            running.add(node);
        }
        for (Node node : running) {
            new Thread(() -> {
                try { node.start(); } catch (Exception e) { e.printStackTrace(); System.exit(1); }
            }).start();
        }
        System.out.println("sohoa-es-nodes started " + nodes);
        Thread.currentThread().join();
    }
}
