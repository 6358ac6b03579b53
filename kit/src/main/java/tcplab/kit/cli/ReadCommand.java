package tcplab.kit.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.asciidoctor.Asciidoctor;
import picocli.CommandLine;
import tcplab.kit.docs.Includes;
import tcplab.kit.docs.TerminalText;
import tcplab.kit.grade.Lab;
import tcplab.kit.i18n.Language;

/**
 * {@code ./tcplab read NN}: the lesson as text for a terminal, with the code it includes filled in. Laying it out
 * takes AsciiDoctor a few seconds to start, so the text is kept in {@code .tcplab/read/}, under a name made from what
 * it was made of: reading the same lesson again is instant, and an edited lesson or lab is laid out afresh.
 */
@CommandLine.Command(name = "read", description = "Print lesson NN in the terminal, its code filled in.")
final class ReadCommand extends Command {

    @CommandLine.Parameters(paramLabel = "NN", descriptionKey = "lessonNN", description = "the lesson's number, e.g. 03")
    String id;

    ReadCommand(Context context) {
        super(context);
    }

    @Override
    public Integer call() throws Exception {
        Lab lab = lesson(id);
        String source = Includes.expand(lab.lessonFileToRead(), ws.root());
        // What the text is made of: the lesson with its includes, and the kit that lays it out.
        var sha = MessageDigest.getInstance("SHA-256");
        sha.update(source.getBytes(StandardCharsets.UTF_8));
        sha.update(String.valueOf(TerminalText.class.getProtectionDomain().getCodeSource().getLocation()
                .openConnection().getLastModified()).getBytes(StandardCharsets.UTF_8));
        byte[] digest = sha.digest();
        Path cached = ws.stateDir().resolve("read/" + lab.id() + "-" + HexFormat.of().formatHex(digest, 0, 8)
                + ".txt");
        if (!Files.exists(cached)) {
            String text;
            try (Asciidoctor asciidoctor = Asciidoctor.Factory.create()) {
                text = TerminalText.render(asciidoctor, source);
            }
            Files.createDirectories(cached.getParent());
            Files.writeString(cached, text, StandardCharsets.UTF_8);
        }
        out.print(Files.readString(cached, StandardCharsets.UTF_8));
        out.println("\n" + Language.text("read.footer"));
        return 0;
    }
}
