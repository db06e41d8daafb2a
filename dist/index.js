import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{m as i}from"./chunks/chunk-NH7754O7.js";import"./chunks/chunk-NYRTOUVY.js";if(i){let{runPost:t}=await import("./chunks/post-XIYKOCGN.js");await t()}else{let{run:t}=await import("./chunks/main-NKGAI6DZ.js");await t()}
