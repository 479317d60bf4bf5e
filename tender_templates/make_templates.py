"""Write the bundled Word templates from clean, hand-written OOXML.

Run `python tender_templates/make_templates.py` after changing this file and commit the .docx files.
The templates are docxtpl templates: Jinja tags in the text. A municipality may replace any of them with
its own house template that uses the same variables (see docs/templates.md).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from tendergen.documents.theme import ACCENT, BORDER, FONT, MUTED, ON_ACCENT, SUBTITLE

HERE = Path(__file__).resolve().parent
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TEXT_WIDTH = 9638  # A4 (11906 twips) minus 2 cm margins on each side

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>
<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>
<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>
<Override PartName="/word/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>
<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>
<Override PartName="/word/header2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>
<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
</Types>"""

ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>
</Relationships>"""

DOC_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>
<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>
<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>
<Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header2.xml"/>
<Relationship Id="rId6" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>
<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme" Target="theme/theme1.xml"/>
</Relationships>"""

CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>tendergen</dc:title><dc:creator>tendergen</dc:creator><cp:revision>1</cp:revision>
<dcterms:created xsi:type="dcterms:W3CDTF">2026-01-01T00:00:00Z</dcterms:created>
<dcterms:modified xsi:type="dcterms:W3CDTF">2026-01-01T00:00:00Z</dcterms:modified>
</cp:coreProperties>"""

APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>tendergen</Application></Properties>"""

def settings(track_revisions: bool = False) -> str:
    """Document settings. No w:updateFields: the table of contents is written at build time, so Word
    opens the document without a field-update prompt. The review document tracks further edits."""
    track = "<w:trackRevisions/>" if track_revisions else ""
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="{W_NS}">
<w:zoom w:percent="100"/>{track}
<w:defaultTabStop w:val="1304"/>
<w:characterSpacingControl w:val="doNotCompress"/>
<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>
<w:decimalSymbol w:val=","/>
<w:listSeparator w:val=";"/>
</w:settings>"""


FONT_TABLE = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="{W_NS}"><w:font w:name="{FONT}"><w:panose1 w:val="020F0502020204030204"/><w:charset w:val="00"/><w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font></w:fonts>"""

A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"


def _solid(color: str) -> str:
    return f'<a:solidFill><a:srgbClr val="{color}"/></a:solidFill>'


def _line(width: int) -> str:
    return f'<a:ln w="{width}">{_solid(ACCENT)}</a:ln>'


_COLORS = [("dk1", "000000"), ("lt1", "FFFFFF"), ("dk2", ACCENT), ("lt2", "E7E6E6"), ("accent1", ACCENT),
           ("accent2", "C55A11"), ("accent3", "548235"), ("accent4", "7F6000"), ("accent5", "2E75B6"),
           ("accent6", "70AD47"), ("hlink", "0563C1"), ("folHlink", "954F72")]
THEME = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<a:theme xmlns:a="{A_NS}" name="tendergen">'
    '<a:themeElements><a:clrScheme name="tendergen">'
    + "".join(f'<a:{n}><a:srgbClr val="{c}"/></a:{n}>' for n, c in _COLORS)
    + '</a:clrScheme><a:fontScheme name="tendergen">'
    f'<a:majorFont><a:latin typeface="{FONT}"/><a:ea typeface=""/><a:cs typeface=""/></a:majorFont>'
    f'<a:minorFont><a:latin typeface="{FONT}"/><a:ea typeface=""/><a:cs typeface=""/></a:minorFont>'
    '</a:fontScheme><a:fmtScheme name="tendergen"><a:fillStyleLst>'
    + _solid(ACCENT) * 3
    + "</a:fillStyleLst><a:lnStyleLst>" + _line(6350) + _line(12700) + _line(19050)
    + "</a:lnStyleLst><a:effectStyleLst>" + "<a:effectStyle><a:effectLst/></a:effectStyle>" * 3
    + "</a:effectStyleLst><a:bgFillStyleLst>" + _solid("FFFFFF") * 3
    + "</a:bgFillStyleLst></a:fmtScheme></a:themeElements></a:theme>"
)


def _rpr(size: int = 0, bold: bool = False, italic: bool = False, color: str = "") -> str:
    parts = []
    if bold:
        parts.append("<w:b/>")
    if italic:
        parts.append("<w:i/>")
    if color:
        parts.append(f'<w:color w:val="{color}"/>')
    if size:
        parts.append(f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


def _style(style_id: str, name: str, ppr: str = "", rpr: str = "", based: str = "Normal", extra: str = "") -> str:
    based_on = f'<w:basedOn w:val="{based}"/>' if based else ""
    return (f'<w:style w:type="paragraph" w:styleId="{style_id}"><w:name w:val="{name}"/>{based_on}'
            f'<w:next w:val="Normal"/>{extra}<w:qFormat/>{f"<w:pPr>{ppr}</w:pPr>" if ppr else ""}{rpr}</w:style>')


def _heading(level: int, size: int, before: int) -> str:
    ppr = (f'<w:keepNext/><w:keepLines/><w:numPr><w:ilvl w:val="{level - 1}"/><w:numId w:val="1"/></w:numPr>'
           f'<w:spacing w:before="{before}" w:after="120"/><w:outlineLvl w:val="{level - 1}"/>')
    return _style(f"Heading{level}", f"heading {level}", ppr, _rpr(size, bold=True, color=ACCENT))


def styles(text_width: int = TEXT_WIDTH) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W_NS}">
<w:docDefaults>
<w:rPrDefault><w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/><w:sz w:val="21"/><w:szCs w:val="21"/><w:lang w:val="sv-SE" w:eastAsia="sv-SE" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:widowControl/><w:spacing w:after="120" w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault>
</w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>
<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/><w:semiHidden/></w:style>
{_style("Title", "Title", '<w:spacing w:before="2400" w:after="240"/>', _rpr(56, bold=True, color=ACCENT))}
{_style("Subtitle", "Subtitle", '<w:spacing w:after="720"/>', _rpr(32, color=SUBTITLE))}
{_heading(1, 30, 360)}
{_heading(2, 24, 240)}
{_heading(3, 21, 200)}
{_style("TOCHeading", "TOC Heading", '<w:keepNext/><w:spacing w:before="240" w:after="240"/>', _rpr(30, bold=True, color=ACCENT))}
{_style("TOC1", "toc 1", f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{text_width}"/></w:tabs><w:spacing w:before="60" w:after="60"/>', _rpr(bold=True))}
{_style("TOC2", "toc 2", f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{text_width}"/></w:tabs><w:spacing w:after="40"/><w:ind w:left="284"/>')}
{_style("ListBullet", "List Bullet", '<w:numPr><w:numId w:val="2"/></w:numPr><w:spacing w:after="60"/><w:ind w:left="567" w:hanging="283"/>')}
{_style("ListItem", "List Item", '<w:spacing w:after="60"/><w:ind w:left="567" w:hanging="425"/>')}
{_style("TableListBullet", "Table List Bullet", '<w:spacing w:before="0" w:after="40" w:line="240" w:lineRule="auto"/><w:ind w:left="284" w:hanging="227"/>', _rpr(19), based="TableText")}
{_style("TableListItem", "Table List Item", '<w:spacing w:before="0" w:after="40" w:line="240" w:lineRule="auto"/><w:ind w:left="340" w:hanging="340"/>', _rpr(19), based="TableText")}
{_style("ClauseText", "Clause Text", '<w:spacing w:after="120"/><w:ind w:left="284"/>')}
{_style("TableId", "Table Id", '<w:spacing w:before="20" w:after="60" w:line="240" w:lineRule="auto"/>', _rpr(16))}
{_style("TableText", "Table Text", '<w:spacing w:before="20" w:after="60" w:line="240" w:lineRule="auto"/>', _rpr(19))}
{_style("TableHeading", "Table Heading", '<w:keepNext/><w:spacing w:before="40" w:after="40" w:line="240" w:lineRule="auto"/>', _rpr(19, bold=True, color=ON_ACCENT))}
{_style("Note", "Note", '<w:spacing w:before="20" w:after="60" w:line="240" w:lineRule="auto"/>', _rpr(17, italic=True, color=MUTED))}
{_style("MetaLine", "Meta Line", '<w:spacing w:after="360"/><w:contextualSpacing/>', _rpr(22))}
{_style("FormTitle", "Form Title", '<w:keepNext/><w:spacing w:before="0" w:after="60"/>', _rpr(36, bold=True, color=ACCENT), based="Title")}
{_style("Header", "header", f'<w:tabs><w:tab w:val="right" w:pos="{text_width}"/></w:tabs><w:spacing w:after="0"/>', _rpr(16, color=MUTED))}
{_style("Footer", "footer", f'<w:tabs><w:tab w:val="right" w:pos="{text_width}"/></w:tabs><w:spacing w:after="0"/>', _rpr(16, color=MUTED))}
<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="{BORDER}"/><w:left w:val="single" w:sz="4" w:space="0" w:color="{BORDER}"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="{BORDER}"/><w:right w:val="single" w:sz="4" w:space="0" w:color="{BORDER}"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="{BORDER}"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="{BORDER}"/></w:tblBorders></w:tblPr></w:style>
</w:styles>"""


def _level(ilvl: int, text: str, indent: int, hanging: int, fmt: str = "decimal", style: str = "") -> str:
    pstyle = f'<w:pStyle w:val="{style}"/>' if style else ""
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{pstyle}'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{indent}" w:hanging="{hanging}"/></w:pPr></w:lvl>')


NUMBERING = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="{W_NS}">
<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="multilevel"/>
{_level(0, "%1.", 567, 567, style="Heading1")}{_level(1, "%1.%2", 709, 709, style="Heading2")}{_level(2, "%1.%2.%3", 851, 851, style="Heading3")}
</w:abstractNum>
<w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="hybridMultilevel"/>
{_level(0, "•", 567, 283, fmt="bullet")}
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>"""


def run(text: str, rpr: str = "") -> str:
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def para(text: str = "", style: str = "", keep_next: bool = False) -> str:
    ppr = (f'<w:pStyle w:val="{style}"/>' if style else "") + ("<w:keepNext/>" if keep_next else "")
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{run(text) if text else ''}</w:p>"


def tag(statement: str) -> str:
    """A paragraph that holds only a docxtpl block tag; docxtpl removes the paragraph itself."""
    return para("{%p " + statement + " %}")


def field(instr: str, shown: str) -> str:
    return f'<w:fldSimple w:instr=" {instr} "><w:r><w:t>{shown}</w:t></w:r></w:fldSimple>'


HEADER = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:hdr xmlns:w="{W_NS}"><w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr>{run("{% if draft %}UTKAST · {% endif %}{{ organisation }}")}<w:r><w:tab/></w:r>{run("{{ document_title }} · {{ reference }}")}</w:p></w:hdr>"""

FIRST_HEADER = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:hdr xmlns:w="{W_NS}"><w:p><w:pPr><w:pStyle w:val="Header"/><w:jc w:val="right"/></w:pPr>{run("{% if draft %}UTKAST – innehåller klausuler som inte är godkända{% endif %}")}</w:p></w:hdr>"""

FOOTER = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="{W_NS}"><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr>{run("{{ title }}")}<w:r><w:tab/></w:r>{run("Sida ")}{field("PAGE", "1")}{run(" av ")}{field("NUMPAGES", "1")}</w:p></w:ftr>"""

PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'

TOC_FIELD = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
             '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-2" \\h \\z \\u </w:instrText></w:r>'
             '<w:r><w:fldChar w:fldCharType="separate"/></w:r>')
# The field's result is written at build time (tendergen replaces this paragraph with one hyperlinked
# entry per heading, with page numbers when LibreOffice is available), so no w:dirty and no update prompt.
TOC = (
    para("Innehåll", "TOCHeading")
    + f'<w:p><w:pPr><w:pStyle w:val="TOC1"/></w:pPr>{TOC_FIELD}{run("Innehåll")}'
    '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
)

TITLE_PAGE = (
    para("{{ title }}", "Title")
    + para("{{ document_title }}", "Subtitle")
    + para("Upphandlande myndighet: {{ organisation }}", "MetaLine")
    + tag("if department")
    + para("Beställande verksamhet: {{ department }}", "MetaLine")
    + tag("endif")
    + para("{{ reference_label }}: {{ reference }}", "MetaLine")
    + para("Datum: {{ date }}", "MetaLine")
    + tag("if contact")
    + para("Kontaktperson: {{ contact }}", "MetaLine")
    + tag("endif")
    + PAGE_BREAK
    + TOC
    + PAGE_BREAK
)

SHORT_TITLE = (
    para("{{ document_title }}", "FormTitle")
    + para("{{ title }}", "Subtitle")
    + para("Upphandlande myndighet: {{ organisation }}", "MetaLine")
    + para("{{ reference_label }}: {{ reference }} · Datum: {{ date }}", "MetaLine")
    + tag("if contact")
    + para("Kontaktperson: {{ contact }}", "MetaLine")
    + tag("endif")
)


def list_para(style: str, in_table: bool) -> str:
    """A list item: Word numbering (w:numPr) with the list's own numbering instance, so each list restarts."""
    ind = '<w:ind w:left="340" w:hanging="340"/>' if in_table else ""
    return (f'<w:p><w:pPr><w:pStyle w:val="{style}"/><w:numPr><w:ilvl w:val="0"/>'
            '<w:numId w:val="{{ para.num_id }}"/></w:numPr>' + ind + "</w:pPr>" + run("{{ para.text }}") + "</w:p>")


def _paragraphs(style: str) -> str:
    """The paragraphs of one clause text: plain, or items of a numbered, lettered or bullet list."""
    in_table = style == "TableText"
    return (
        tag("for para in item.paragraphs")
        + tag("if para.bullet")
        + list_para("TableListBullet" if in_table else "ListBullet", in_table)
        + tag("elif para.numbered")
        + list_para("TableListItem" if in_table else "ListItem", in_table)
        + tag("else")
        + para("{{ para.text }}", style)
        + tag("endif")
        + tag("endfor")
    )


def cell(width: int, content: str, shade: str = "") -> str:
    fill = f'<w:shd w:val="clear" w:color="auto" w:fill="{shade}"/>' if shade else ""
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{fill}</w:tcPr>{content}</w:tc>'


def row(cells: str, header: bool = False, height: int = 0) -> str:
    trpr = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if header else ""
    if height:  # a row the reader fills in: room to write
        trpr = f'<w:trPr><w:cantSplit/><w:trHeight w:val="{height}"/></w:trPr>'
    return f"<w:tr>{trpr}{cells}</w:tr>"


def table(widths: list[int], header: list[str], body_rows: str, caption: str, description: str) -> str:
    """A table with a repeated header row; caption and description are read out by screen readers."""
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    head = row("".join(cell(w, para(h, "TableHeading"), ACCENT) for w, h in zip(widths, header, strict=True)), header=True)
    return (f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
            f'<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
            f'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/><w:tblCaption w:val="{escape(caption)}"/>'
            f'<w:tblDescription w:val="{escape(description)}"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{head}{body_rows}</w:tbl>')


# The kravspecifikation is landscape: the requirement text gets a readable measure and the supplier a
# wide answer column; the id column fits the longest ids on one line.
LANDSCAPE_WIDTH = 14570  # A4 landscape (16838 twips) minus 2 cm margins on each side
REQUIREMENT_WIDTHS = [2700, 6070, 700, 1100, 4000]
# The light specification stays portrait (it is mostly text); its answer column is the widest after the text.
LIGHT_REQUIREMENT_WIDTHS = [1900, 4038, 600, 900, 2200]


def _loop_row(statement: str, widths: list[int]) -> str:
    return row(cell(widths[0], para("{%tr " + statement + " %}", "TableText"))
               + "".join(cell(w, para("", "TableText")) for w in widths[1:]))


def loop_table(widths: list[int], header: list[str], loop: str, cells: list[str], caption: str,
               description: str, height: int = 0) -> str:
    """A table with a repeated header row and one body row per item of `loop`."""
    body = row("".join(cell(w, c) for w, c in zip(widths, cells, strict=True)), height=height)
    return table(widths, header, _loop_row(f"for item in {loop}", widths) + body + _loop_row("endfor", widths),
                 caption, description)


def text_cell(expression: str, style: str = "TableText") -> str:
    return para("{{ " + expression + " }}", style)


def requirement_row(widths: list[int]) -> str:
    return row(
        cell(widths[0],
             '<w:p><w:pPr><w:pStyle w:val="TableId"/></w:pPr>'
             '<w:bookmarkStart w:id="{{ item.bookmark_id }}" w:name="{{ item.bookmark }}"/>'
             + run("{{ item.id }}") + '<w:bookmarkEnd w:id="{{ item.bookmark_id }}"/></w:p>')
        + cell(widths[1],
               para("{{ item.title }}", "TableHeadingDark")
               + _paragraphs("TableText")
               + para("Verifikat: {{ item.verifikat }}", "Note")
               + tag("if item.evaluation")
               + para("Utvärdering: {{ item.evaluation }}", "Note")
               + tag("endif")
               + tag("if item.motiv")
               + para("Motiv: {{ item.motiv }}", "Note")
               + tag("endif"))
        + cell(widths[2], para("{{ item.kind_label }}", "TableText"))
        + cell(widths[3], para("", "TableText"))
        + cell(widths[4], para("", "TableText"))
    )


def requirement_table(widths: list[int]) -> str:
    return table(widths, ["Id", "Krav", "Typ", "Uppfylls (Ja/Nej)", "Leverantörens svar"],
                 _loop_row("for item in section.requirements", widths) + requirement_row(widths)
                 + _loop_row("endfor", widths),
                 "Krav: {{ section.title }}",
                 "Ett krav per rad med id, kravtext och verifikat, typ (Ska eller Bör) och två kolumner som "
                 "anbudsgivaren fyller i: om kravet uppfylls (Ja/Nej) och leverantörens svar.")


REQUIREMENTS_BODY = (
    tag("for section in sections")
    + para("{{ section.title }}", "Heading1")
    + tag("for item in section.texts")
    + _paragraphs("Normal")
    + tag("endfor")
    + tag("if section.requirements")
    + requirement_table(REQUIREMENT_WIDTHS)
    + tag("endif")
    + tag("endfor")
)

# Generated items (the procurement's own AF content: tidplan, volumes, criteria, worked example, annex list)
# may carry a table of two to five columns with its own header, and paragraphs after it.
ITEM_TABLE_WIDTHS = {2: [4819, 4819], 3: [2400, 4438, 2800], 4: [3838, 1600, 2200, 2000],
                     5: [1638, 2000, 2200, 1800, 2000]}


def item_table() -> str:
    """The optional `item.table` ({cols, header, rows, caption}) and `item.after` paragraphs of a generated item."""
    out = tag("if item.table is defined and item.table")
    for n, (cols, widths) in enumerate(ITEM_TABLE_WIDTHS.items()):
        out += tag(("if" if n == 0 else "elif") + f" item.table.cols == {cols}")
        out += loop_table(widths, [f"{{{{ item.table.header[{i}] }}}}" for i in range(cols)], "item.table.rows",
                          [text_cell(f"item[{i}]", "TableId" if i == 0 else "TableText") for i in range(cols)],
                          "{{ item.table.caption }}", "{{ item.table.description }}")
    out += tag("endif") + tag("endif")
    return (out + tag("if item.after is defined") + tag("for text in item.after") + para("{{ text }}")
            + tag("endfor") + tag("endif"))


# A section whose only clause repeats its heading carries that clause's bookmark (section.anchor).
SECTION_ANCHOR = "{% if section.anchor is defined and section.anchor %}"
TEXT_BODY = (
    tag("for section in sections")
    + '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr>'
    + SECTION_ANCHOR + '<w:bookmarkStart w:id="{{ section.anchor_id }}" w:name="{{ section.anchor }}"/>{% endif %}'
    + run("{{ section.title }}")
    + SECTION_ANCHOR + '<w:bookmarkEnd w:id="{{ section.anchor_id }}"/>{% endif %}</w:p>'
    + tag("for item in section.clauses")
    + tag("if item.heading")
    + '<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr>'
    '<w:bookmarkStart w:id="{{ item.anchor_id }}" w:name="{{ item.anchor }}"/>'
    + run("{{ item.title }}") + '<w:bookmarkEnd w:id="{{ item.anchor_id }}"/></w:p>'
    + tag("endif")
    + tag("if item.label")
    + para("{{ item.label }}", "Note", keep_next=True)
    + tag("endif")
    + _paragraphs("Normal")
    + tag("if item.verifikat")
    + para("Verifikat: {{ item.verifikat }}", "Note")
    + tag("endif")
    + item_table()
    + tag("endfor")
    + tag('if section.id == "utvardering" and criteria')
    + para("Utvärderingskriterier", "Heading2")
    + para("Följande bör-krav i kravspecifikationen ger mervärde i utvärderingen med angivet antal poäng.",
           keep_next=True)
    + loop_table([2000, 3638, 900, 3100], ["Id", "Kriterium", "Poäng", "Bedömning"], "criteria",
                 [text_cell("item.id", "TableId"), text_cell("item.title"), text_cell("item.weight"),
                  text_cell("item.note")],
                 "Utvärderingskriterier",
                 "Ett bör-krav per rad med id, kriterium, poäng och hur det bedöms.")
    + para("Högsta möjliga poäng: {{ criteria_total }}.")
    + tag("endif")
    + tag("endfor")
)

def signature_block() -> str:
    """Signature boxes for the two signatories named in `signatures` ({left, right})."""
    box = (para("Ort och datum", "Note") + para("") + para("Underskrift", "Note") + para("")
           + para("Namnförtydligande", "Note") + para(""))
    return (tag("if signatures is defined and signatures")
            + table([4819, 4819], ["{{ signatures.left }}", "{{ signatures.right }}"],
                    row(cell(4819, box) + cell(4819, box)), "Underskrifter",
                    "Plats för ort och datum, underskrift och namnförtydligande för varje undertecknare.")
            + tag("endif"))


def form_body() -> str:
    """anbudsformular.docx: the supplier's identity, signatory, assurances, contents; a signature at the end."""
    return TEXT_BODY + para("Underskrift", "Heading1", keep_next=True) + signature_block()


REFERENCE_WIDTHS = [3600, 6038]


def _reference_rows(loop: str, height: int) -> str:
    """Rows of one reference table: a label and an empty cell to write in, kept with the rest of the table."""
    label = para("{{ label }}", "TableText", keep_next=True)
    body = row(cell(REFERENCE_WIDTHS[0], label) + cell(REFERENCE_WIDTHS[1], para("", "TableText", keep_next=True)),
               height=height)
    return (_loop_row(f"for label in {loop}", REFERENCE_WIDTHS) + body
            + _loop_row("endfor", REFERENCE_WIDTHS))


def references_body() -> str:
    """referensbilaga.docx: what the reference assignments must show, then one table per assignment.

    `assignments` ({title, anchor, anchor_id, short, long}): the short rows take a line, the long ones
    (descriptions) leave room to write; each table is kept on one page.
    """
    return (TEXT_BODY
            + tag("if assignments is defined and assignments")
            + para("{{ assignments_title }}", "Heading1")
            + tag("for item in assignments")
            + '<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr>'
            '<w:bookmarkStart w:id="{{ item.anchor_id }}" w:name="{{ item.anchor }}"/>'
            + run("{{ item.title }}") + '<w:bookmarkEnd w:id="{{ item.anchor_id }}"/></w:p>'
            + table(REFERENCE_WIDTHS, ["Uppgift", "Fylls i av Anbudsgivaren"],
                    _reference_rows("item.short", 454) + _reference_rows("item.long", 1420),
                    "{{ item.title }}", "En uppgift om referensuppdraget per rad med en tom ruta som Anbudsgivaren "
                    "fyller i.")
            + tag("endfor")
            + tag("endif"))


def contract_body() -> str:
    """avtal.docx: parties, subject, term, contacts, contract documents; the parties' signatures at the end."""
    return TEXT_BODY + signature_block()


ACCEPTANCE_WIDTHS = [2000, 2400, 2838, 1100, 1300]
ACCEPTANCE_BODY = (
    tag("for section in sections")
    + para("{{ section.title }}", "Heading1")
    + loop_table(ACCEPTANCE_WIDTHS, ["Id", "Krav", "Kontroll vid acceptanstest", "Resultat (G/EG)", "Sign./datum"],
                 "section.requirements",
                 [text_cell("item.id", "TableId"), text_cell("item.title", "TableHeadingDark") + text_cell("item.kind_label", "Note"),
                  text_cell("item.acceptance"), para("", "TableText"), para("", "TableText")],
                 "Acceptanstest: {{ section.title }}",
                 "Ett krav per rad med id, krav, hur det kontrolleras och kolumner för resultat (G eller EG) "
                 "och signatur med datum.")
    + tag("endfor")
    + para("Underskrifter", "Heading1")
    + para("Acceptanstestet har genomförts enligt protokollet ovan. Krav som inte är godkända har åtgärdats "
           "och testats om, eller undantagits genom ett skriftligt beslut av Kommunen som bifogas protokollet.",
           keep_next=True)
    + table([4819, 4819], ["För Kommunen", "För Leverantören"],
            row(cell(4819, para("Namn, datum och underskrift", "Note") + para("") + para(""))
                + cell(4819, para("Namn, datum och underskrift", "Note") + para("") + para(""))),
            "Underskrifter", "Plats för namn, datum och underskrift för Kommunen och för Leverantören.")
)

WHY_WIDTHS = [2200, 2500, 3238, 1700]
WHY_BODY = (
    para("Valda klausuler", "Heading1")
    + loop_table(WHY_WIDTHS, ["Id och version", "Rubrik och dokument", "Skäl", "Rättslig grund"], "included",
                 [text_cell("item.id", "TableId") + text_cell("item.version", "Note"),
                  text_cell("item.title") + text_cell("item.document_title", "Note"),
                  text_cell("item.reasons"), text_cell("item.legal_basis")],
                 "Valda klausuler", "En klausul per rad med id och version, rubrik och dokument, skälen till att "
                 "den valts och dess rättsliga grund.")
    + para("Klausuler som inte valts", "Heading1")
    + loop_table([2200, 2500, 4938], ["Id", "Rubrik", "Skäl"], "excluded",
                 [text_cell("item.id", "TableId"), text_cell("item.title"), text_cell("item.reasons")],
                 "Klausuler som inte valts", "En klausul per rad med id, rubrik och skälen till att den inte valts.")
)

NEEDS_WIDTHS = [700, 4938, 1000, 3000]
LIGHT_BODY = (
    para("Vad som köps", "Heading1")
    + tag("for text in purchase")
    + para("{{ text }}")
    + tag("endfor")
    + para("Verksamhetens behov", "Heading1")
    + para("Beskriv här vad tjänsten ska klara i er verksamhet, ett behov per rad, och ange om behovet är "
           "ett måste (Ska) eller önskvärt (Bör). Leverantören svarar i sista kolumnen.", keep_next=True)
    + loop_table(NEEDS_WIDTHS, ["Nr", "Behov (fylls i av verksamheten)", "Ska/Bör", "Leverantörens svar"], "needs",
                 [text_cell("item"), para("", "TableText"), para("", "TableText"), para("", "TableText")],
                 "Verksamhetens behov", "Numrerade rader där verksamheten beskriver ett behov och anger Ska eller "
                 "Bör, och leverantören svarar.", height=680)
    + para("Kommunens krav", "Heading1")
    + para("Kraven nedan gäller alltid när kommunen köper IT av det här slaget. Leverantören ska besvara varje "
           "krav. Ett anbud som inte uppfyller alla ska-krav kan inte antas.", keep_next=True)
    + tag("for section in sections")
    + para("{{ section.title }}", "Heading2")
    + requirement_table(LIGHT_REQUIREMENT_WIDTHS)
    + tag("endfor")
    + para("Avtalsvillkor i korthet", "Heading1")
    + para("Avtalet med leverantören ska innehålla följande villkor. Den fullständiga lydelsen finns i bilagan "
           "Avtalsvillkor, som skickas med förfrågan.")
    + tag("for item in terms")
    + para("{{ item.title }}", "Heading2")
    + para("{{ item.summary }}")
    + tag("endfor")
)

INTRO = tag("for text in intro") + para("{{ text }}") + tag("endfor")


def section_properties(short: bool, landscape: bool) -> str:
    """Page setup: A4, portrait or landscape; a first-page header only where there is a cover page."""
    size = '<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>' if landscape else '<w:pgSz w:w="11906" w:h="16838"/>'
    first = "" if short else '<w:headerReference w:type="first" r:id="rId8"/>'
    return (f'<w:sectPr><w:headerReference w:type="default" r:id="rId4"/>{first}'
            '<w:footerReference w:type="default" r:id="rId5"/>'
            f'{size}<w:pgMar w:top="1418" w:right="1134" w:bottom="1134" w:left="1134" '
            f'w:header="567" w:footer="567" w:gutter="0"/>{"" if short else "<w:titlePg/>"}</w:sectPr>')


def document(body: str, short: bool = False, landscape: bool = False) -> str:
    opening = SHORT_TITLE if short else TITLE_PAGE
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}">'
            f"<w:body>{opening}{INTRO}{body}{section_properties(short, landscape)}</w:body></w:document>")


def write_docx(path: Path, body: str, short: bool = False, landscape: bool = False, review: bool = False) -> None:
    text_width = LANDSCAPE_WIDTH if landscape else TEXT_WIDTH
    style_xml = styles(text_width).replace(
        "</w:styles>",
        _style("TableHeadingDark", "Requirement Title", '<w:keepNext/><w:spacing w:before="20" w:after="40" w:line="240" w:lineRule="auto"/>',
               _rpr(19, bold=True)) + "</w:styles>",
    )
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "docProps/core.xml": CORE,
        "docProps/app.xml": APP,
        "word/document.xml": document(body, short, landscape),
        "word/_rels/document.xml.rels": DOC_RELS,
        "word/styles.xml": style_xml,
        "word/numbering.xml": NUMBERING,
        "word/settings.xml": settings(track_revisions=review),
        "word/header1.xml": HEADER,
        "word/header2.xml": FIRST_HEADER,
        "word/footer1.xml": FOOTER,
        "word/fontTable.xml": FONT_TABLE,
        "word/theme/theme1.xml": THEME,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, xml in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, xml.encode("utf-8"))


# name: (body, short document without cover page and table of contents, landscape)
TEMPLATES = {
    "kravspecifikation": (REQUIREMENTS_BODY, False, True),
    "upphandlingsdokument": (TEXT_BODY, False, False),
    "avtalsvillkor": (TEXT_BODY, False, False),
    "pub-instruktion": (TEXT_BODY, False, False),
    "sekretessforbindelse": (TEXT_BODY, True, False),
    "sanktionsforsakran": (TEXT_BODY, True, False),
    "ilo-sjalvvardering": (TEXT_BODY, True, False),
    "exitplan": (TEXT_BODY, False, False),
    "rfi": (TEXT_BODY, True, False),
    "acceptanstestprotokoll": (ACCEPTANCE_BODY, False, False),
    "urvalsredovisning": (WHY_BODY, False, False),
    "klausulgranskning": (para("{{p body }}"), True, False),
    "kravspecifikation-light": (LIGHT_BODY, False, False),
    "lathund": (TEXT_BODY, True, False),
    "anbudsformular": (form_body(), True, False),
    "avtal": (contract_body(), True, False),
    "referensbilaga": (references_body(), True, False),
    "offertforfragan": (TEXT_BODY, True, False),
}

if __name__ == "__main__":
    for name, (body, short, landscape) in TEMPLATES.items():
        write_docx(HERE / f"{name}.docx", body, short=short, landscape=landscape, review=name == "klausulgranskning")
        print(f"wrote {name}.docx")
