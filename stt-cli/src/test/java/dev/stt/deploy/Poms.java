package dev.stt.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** What the Maven build declares: its modules, the jars the shade plugin makes, its profiles. */
final class Poms {

    private Poms() {
    }

    static List<String> modules(Path repo) throws Exception {
        List<String> modules = new ArrayList<>();
        NodeList n = parse(repo.resolve("pom.xml")).getElementsByTagName("module");
        for (int i = 0; i < n.getLength(); i++) {
            modules.add(n.item(i).getTextContent().strip());
        }
        return modules;
    }

    /** {@code module/target/finalName.jar} for every module whose shade plugin names a finalName. */
    static Set<String> shadedJars(Path repo) throws Exception {
        Set<String> jars = new LinkedHashSet<>();
        for (String module : modules(repo)) {
            Document pom = parse(repo.resolve(module).resolve("pom.xml"));
            NodeList plugins = pom.getElementsByTagName("plugin");
            for (int i = 0; i < plugins.getLength(); i++) {
                Element plugin = (Element) plugins.item(i);
                if (!"maven-shade-plugin".equals(text(plugin, "artifactId"))) {
                    continue;
                }
                NodeList names = plugin.getElementsByTagName("finalName");
                for (int j = 0; j < names.getLength(); j++) {
                    jars.add(module + "/target/" + names.item(j).getTextContent().strip() + ".jar");
                }
            }
        }
        return jars;
    }

    /** Profile id to the artifactIds it names, over the root pom and the module poms. */
    static Map<String, Set<String>> profiles(Path repo) throws Exception {
        Map<String, Set<String>> ids = new LinkedHashMap<>();
        List<Path> poms = new ArrayList<>(List.of(repo.resolve("pom.xml")));
        for (String module : modules(repo)) {
            poms.add(repo.resolve(module).resolve("pom.xml"));
        }
        for (Path p : poms) {
            NodeList profiles = parse(p).getElementsByTagName("profile");
            for (int i = 0; i < profiles.getLength(); i++) {
                Element profile = (Element) profiles.item(i);
                Set<String> artifacts = ids.computeIfAbsent(text(profile, "id"), k -> new LinkedHashSet<>());
                NodeList a = profile.getElementsByTagName("artifactId");
                for (int j = 0; j < a.getLength(); j++) {
                    artifacts.add(a.item(j).getTextContent().strip());
                }
            }
        }
        return ids;
    }

    private static String text(Element parent, String child) {
        NodeList n = parent.getChildNodes();
        for (int i = 0; i < n.getLength(); i++) {
            if (n.item(i) instanceof Element e && e.getTagName().equals(child)) {
                return e.getTextContent().strip();
            }
        }
        return null;
    }

    private static Document parse(Path pom) throws Exception {
        if (!Files.isRegularFile(pom)) {
            throw new IOException("no pom at " + pom);
        }
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(pom.toFile());
    }
}
