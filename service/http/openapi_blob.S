/* The API contract, embedded at build time so GET /openapi.yaml serves exactly the
 * openapi.yaml the binary was built from. */
    .section .rodata
    .global openapi_yaml_start
    .global openapi_yaml_end
openapi_yaml_start:
    .incbin "openapi.yaml"
openapi_yaml_end:
    .section .note.GNU-stack,"",@progbits
