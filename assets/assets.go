// Package assets embeds the files every build needs: the translation
// catalogues, the browser pages shown after sign-in and the icon. It imports
// nothing of ours and no Fyne, so core packages may use it.
package assets

import "embed"

// I18N holds one JSON file per area and language: i18n/<area>.<lang>.json.
// Areas are split so that each core package owns its own texts.
//
//go:embed i18n/*.json
var I18N embed.FS

// Pages are the HTML pages the browser shows after the sign-in.
//
//go:embed pages/*.html
var Pages embed.FS

// Icon is the program's icon (FyneApp.toml's Icon): the window's and, on
// Windows, the notification area's until the first light is known.
//
//go:embed icon.png
var Icon []byte
