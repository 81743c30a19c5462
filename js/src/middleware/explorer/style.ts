/** The explorer's stylesheet (a string, inlined into the page). */
export const EXPLORER_CSS = String.raw`
:root{--fg:#1d2330;--muted:#667085;--line:#e4e7ec;--bg:#fff;--side:#f7f8fa;--accent:#3856d6;--err:#b42318;--errbg:#fef3f2;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg)}
[hidden]{display:none!important}*{box-sizing:border-box}body{margin:0;height:100vh;display:flex;flex-direction:column;background:var(--bg)}
header{display:flex;gap:10px;align-items:center;padding:8px 14px;border-bottom:1px solid var(--line);flex-wrap:wrap}header #status{max-width:260px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
header h1{font-size:16px;margin:0 8px 0 0;white-space:nowrap}header form{display:flex;gap:6px}
header .spacer{flex:1}#status{color:var(--muted);font-size:12px}
input,select,textarea,button{font:inherit;color:inherit}
input,select,textarea{border:1px solid #cfd4dc;border-radius:6px;padding:5px 8px;background:#fff}
button{border:1px solid #cfd4dc;border-radius:6px;padding:5px 10px;background:#fff;cursor:pointer}
button:hover:not(:disabled){border-color:var(--accent)}button:disabled{opacity:.45;cursor:default}
button.primary{background:var(--accent);border-color:var(--accent);color:#fff}
a{color:var(--accent)}
.error{background:var(--errbg);color:var(--err);border:1px solid #fecdca;border-radius:6px;padding:8px 12px;margin:8px 14px;white-space:pre-wrap}
#workspace{flex:1;display:flex;min-height:0}
nav{width:260px;min-width:200px;background:var(--side);border-right:1px solid var(--line);overflow:auto;padding:8px}
nav .navbar{display:flex;gap:6px;margin-bottom:8px}nav ul{list-style:none;margin:0;padding:0}
nav li{margin:2px 0;border-radius:6px}nav li.current{background:#e8ecfb}
nav button.table{display:flex;width:100%;border:0;background:none;text-align:left;padding:5px 8px 0}
nav .name{flex:1;font-weight:600;overflow:hidden;text-overflow:ellipsis}nav .count{color:var(--muted);font-variant-numeric:tabular-nums}
nav .cols{color:var(--muted);font-size:12px;padding:0 8px 5px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
#content{flex:1;min-width:0;display:flex;flex-direction:column;padding:10px 14px;overflow:hidden}
#browse,#console{display:flex;flex-direction:column;min-height:0;flex:1}
h2{font-size:16px;margin:0 8px 0 0}h2 small{color:var(--muted);font-weight:400}
.toolbar{display:flex;gap:8px;align-items:center;margin-bottom:8px;flex-wrap:wrap}
.filter{display:flex;gap:6px;margin-bottom:6px}
.scroll{flex:1;overflow:auto;border:1px solid var(--line);border-radius:6px;min-height:80px}
table.grid{border-collapse:separate;border-spacing:0;min-width:100%;font-size:13px}
.grid th{position:sticky;top:0;background:#f2f4f7;text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);white-space:nowrap;font-weight:600}
.grid th small{color:var(--muted);font-weight:400}.grid th small.pk{color:var(--accent)}
.grid th.sortable{cursor:pointer}.grid td{padding:4px 8px;border-bottom:1px solid #f0f1f3;white-space:nowrap;max-width:420px;overflow:hidden;text-overflow:ellipsis}
.grid td.num{text-align:right;font-variant-numeric:tabular-nums}.grid td.blob{font-family:ui-monospace,monospace;color:#7a5af8}
.grid tr:hover td{background:#f9fafb}.grid .null{color:#98a2b3;font-style:italic}
.grid td.actions,.grid th.actions{width:1%}.grid td.actions button{padding:0 6px;border:0;background:none}
.cell-editor{width:100%;min-width:120px;padding:2px 4px}
.pager{display:flex;gap:8px;align-items:center;margin-top:8px}.timing{color:var(--muted);font-size:12px}
#page-info{font-variant-numeric:tabular-nums}
textarea#sql{width:100%;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:13px;margin:8px 0;resize:vertical}
.hint{color:var(--muted)}
dialog{border:1px solid var(--line);border-radius:10px;padding:18px;min-width:340px;max-width:90vw}
dialog::backdrop{background:rgba(16,24,40,.35)}dialog h3{margin:0 0 10px}
dialog .buttons{display:flex;gap:8px;justify-content:flex-end;margin-top:12px}
#row-fields{display:grid;gap:8px;max-height:60vh;overflow:auto}
.field{display:grid;grid-template-columns:180px 1fr auto;gap:8px;align-items:center}
.field small{color:var(--muted)}.null-label{font-size:12px;color:var(--muted);white-space:nowrap}
#row-editor-error,#login-message{color:var(--err);min-height:1em;margin:8px 0 0}
#login input{width:100%}
iframe#studio{flex:1;border:0;width:100%}
`;
