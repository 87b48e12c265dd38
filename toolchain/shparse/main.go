// shparse: mvdan.cc/sh/v3's bash parser compiled to WebAssembly for the
// policy pack. It exposes one synchronous JavaScript function,
// globalThis.iucutterShParse(text) -> JSON string, holding either the whole
// syntax tree in typedjson form ({"ast": ...}) or the parse error
// ({"error": "line:col: message"}). sh-syntax (the npm build of the same
// parser) only returns statement positions, not the commands, so the pack
// cannot read a script through it; this module returns every node.
package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"syscall/js"

	"mvdan.cc/sh/v3/syntax"
	"mvdan.cc/sh/v3/syntax/typedjson"
)

func parse(text string) string {
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(text), "")
	if err != nil {
		out, _ := json.Marshal(map[string]string{"error": err.Error()})
		return string(out)
	}
	var buf bytes.Buffer
	if err := typedjson.Encode(&buf, f); err != nil {
		out, _ := json.Marshal(map[string]string{"error": "encode: " + err.Error()})
		return string(out)
	}
	return `{"ast":` + buf.String() + `}`
}

func main() {
	js.Global().Set("iucutterShParse", js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) != 1 || args[0].Type() != js.TypeString {
			return `{"error":"iucutterShParse takes one string"}`
		}
		return parse(args[0].String())
	}))
	select {}
}
