/// The head of the file: engine version, images list and the helper macros (psp-conversion.md §2.2).
enum Header {
    static func text(_ names: RuleNames, images: [String]?) -> String {
        let imagesList = names.macro("images")
        var text = "\n- required_engine_version: 5\n\n"
        if let images {
            text += "\n" + FalcoList.block(name: imagesList, items: images) + "\n"
        }
        text += "# K8s audit specific macros here\n"
        text += macros([
            (names.macro("ka_always_true"), "(jevt.rawtime exists)"),
            (names.macro("ka_never_true"), "(jevt.rawtime=0)"),
            (names.macro("ka_enabled"), "(\(names.macro("ka_always_true")))"),
            (names.macro("kevt"), "(jevt.value[/stage] in (\"ResponseComplete\"))"),
            (names.macro("ka_pod"), "(ka.target.resource=pods and not ka.target.subresource exists)"),
        ])
        let kaMatchImage = images == nil ? names.macro("ka_always_true")
            : "(ka.req.pod.containers.image.repository in (\(imagesList)))"
        text += "\n" + macro(names.macro("ka_match_image"), kaMatchImage) + "\n\n"
        text += macro(names.kaContainer, "(\(names.macro("ka_enabled")) and \(names.macro("kevt")) and \(names.macro("ka_pod")) and ka.verb=create and \(names.macro("ka_match_image")))") + "\n"
        text += "# syscall audit specific macros here\n"
        text += macros([
            (names.macro("always_true"), "(evt.num>=0)"),
            (names.macro("never_true"), "(evt.num=0)"),
            (names.macro("enabled"), "(\(names.macro("always_true")))"),
        ])
        // Correction: without images falcoctl v0.0.4 matched every event, host processes included
        // (`<P>_psp_always_true`); like falcoctl v0.0.6 the System Activity rules stay on containers.
        let matchImage = images == nil ? "(container.id != host)"
            : "(container.image.repository in (\(imagesList)))"
        text += "\n" + macro(names.macro("match_image"), matchImage) + "\n\n"
        text += macro(names.container, "(\(names.macro("enabled")) and  \(names.macro("match_image")))") + "\n"
        text += macro(names.macro("open_write"), "(evt.type=open or evt.type=openat) and evt.is_open_write=true and fd.typechar='f' and fd.num>=0") + "\n"
        return text
    }

    private static func macro(_ name: String, _ condition: String) -> String {
        MacroBlock(name: name, condition: .line(condition)).render()
    }

    private static func macros(_ items: [(String, String)]) -> String {
        items.map { macro($0.0, $0.1) + "\n" }.joined()
    }
}
