/* treeview: lays out the decision tree (the document eng_tree_json builds)
 * for the /wizard/tree page: node positions, edges, labels and links, as a
 * JSON document a template draws as inline SVG. */
#ifndef CLEW_TREEVIEW_H
#define CLEW_TREEVIEW_H

struct cJSON;

/* Returns {"width", "height", "nodes": [{"x", "y", "w", "h", "leaf",
 * "label", "title", "url"?}], "edges": [{"x1", "y1", "x2", "y2", "lx",
 * "ly", "label"}]} for tree, laid out left to right (caller frees). Leaf
 * nodes link to the wizard step their path leads to, starting from
 * /wizard?problem=PROBLEM (problem may be NULL). */
struct cJSON *treeview_layout(const struct cJSON *tree, const char *problem);

#endif
