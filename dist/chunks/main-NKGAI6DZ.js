import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{g as a,h as b,i as c}from"./chunk-D252KFTS.js";import"./chunk-NH7754O7.js";import"./chunk-NYRTOUVY.js";export{a as createClient,b as run,c as writeSummary};
