// Starts one node through a codelibs cluster runner (OpenSearch or Elasticsearch) and keeps it up until the
// JVM is told to stop. Run as a single-file source program, so a fresh machine needs no compile step:
//   java -cp <runner classpath> FerryNode.java <runner class> <base dir> <cluster name> <http port> <roles,...> [node name]
// With a node name the node is one of a multi-node cluster (discovery settings in the yml): it gets that name and
// does not wait for its cluster to turn yellow, since that needs the other nodes up too.
// Node settings come from <base>/node_1/config/{opensearch,elasticsearch}.yml, written by the TypeScript
// harness. Reflection keeps one launcher for both runners (same API, different packages). The runners' own
// main() exits silently on failure; this one prints why.
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

public class FerryNode {
    public static void main(String[] args) throws Exception {
        Class<?> runnerClass = Class.forName(args[0]);
        Object runner = runnerClass.getConstructor().newInstance();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try { runnerClass.getMethod("close").invoke(runner); } catch (Exception e) { e.printStackTrace(); }
        }));
        try {
            Object configs = runnerClass.getMethod("newConfigs").invoke(null);
            Class<?> c = configs.getClass();
            c.getMethod("basePath", String.class).invoke(configs, args[1]);
            c.getMethod("clusterName", String.class).invoke(configs, args[2]);
            c.getMethod("numOfNode", int.class).invoke(configs, 1);
            c.getMethod("baseHttpPort", int.class).invoke(configs, Integer.parseInt(args[3]) - 1);
            c.getMethod("useLogger").invoke(configs);
            // Plugins loaded from the classpath (-Dferry.plugins=<class,...>), e.g. the security plugin.
            String plugins = System.getProperty("ferry.plugins");
            if (plugins != null) c.getMethod("pluginTypes", String.class).invoke(configs, plugins);
            // The runners give nodes only master and data roles unless a build callback sets node.roles;
            // Ferry's tests need ingest too. The callback interface differs by package, hence the proxy.
            Class<?> builderType = Class.forName(args[0] + "$Builder");
            String[] roles = args[4].split(",");
            String nodeName = args.length > 5 ? args[5] : null;
            Object callback = Proxy.newProxyInstance(builderType.getClassLoader(), new Class<?>[] { builderType }, (proxy, method, margs) -> {
                if (!method.getName().equals("build")) return null;
                Object settings = margs[1];
                settings.getClass().getMethod("putList", String.class, String[].class).invoke(settings, "node.roles", (Object) roles);
                // The runner names every node "Node 1" unless the callback names it; cluster bootstrapping needs unique names.
                if (nodeName != null) settings.getClass().getMethod("put", String.class, String.class).invoke(settings, "node.name", nodeName);
                return null;
            });
            runnerClass.getMethod("onBuild", builderType).invoke(runner, callback);
            // The runners refuse HTTP ports above their default range unless told otherwise, and move to the next
            // free port when theirs is taken: a node on an unexpected port could leave the harness talking to another
            // bed's cluster, so the port asked for is the only one allowed.
            runnerClass.getMethod("setMaxHttpPort", int.class).invoke(runner, Integer.parseInt(args[3]));
            runnerClass.getMethod("build", c).invoke(runner, configs);
            // A secured node refuses the runner's in-process health call (no user): the harness waits over HTTPS.
            boolean secured = plugins != null && plugins.contains("Security");
            if (nodeName == null && !secured) runnerClass.getMethod("ensureYellow", String[].class).invoke(runner, (Object) new String[0]);
            System.out.println("FERRY_NODE_READY");
        } catch (Throwable e) {
            System.out.println("FERRY_NODE_FAILED");
            e.printStackTrace(System.out);
            System.exit(1);
        }
        Method isClosed = runnerClass.getMethod("isClosed");
        while (!(Boolean) isClosed.invoke(runner)) Thread.sleep(1000);
    }
}
