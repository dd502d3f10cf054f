/* Reference surfaces grown apart from attnlab, for checking `attnlab kpz analyze` by hand
   (docs/CRITICALITY.md, "Intervals"): random deposition (rd), Family (family), RSOS (rsos),
   single-step (ss) by random sequential deposition on a ring, and the Gaussian EW lattice
   h <- h + 0.2*lap(h) + N(0,1) (ew). xoshiro256** seeded by SplitMix64; times 1, then
   round(10^(k/10)) up to TMAX. Writes OUT.npy as float64 (R, T, L) and OUT.times.csv beside it.

     cc -O2 -o /tmp/grow scripts/kpz-reference-surfaces.c -lm
     /tmp/grow MODEL L TMAX R SEED OUT.npy
     attnlab kpz analyze OUT.npy                                                              */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
static uint64_t s[4];
static uint64_t rotl(uint64_t x, int k){return (x<<k)|(x>>(64-k));}
static uint64_t nxt(void){uint64_t r=rotl(s[1]*5,7)*9,t=s[1]<<17;s[2]^=s[0];s[3]^=s[1];s[1]^=s[2];s[0]^=s[3];s[2]^=t;s[3]=rotl(s[3],45);return r;}
static void seed(uint64_t x){for(int i=0;i<4;i++){x+=0x9e3779b97f4a7c15ULL;uint64_t z=x;z=(z^(z>>30))*0xbf58476d1ce4e5b9ULL;z=(z^(z>>27))*0x94d049bb133111ebULL;s[i]=z^(z>>31);}}
static int site(int n){return (int)(((unsigned __int128)nxt()*(unsigned)n)>>64);}
static double unif(void){return (nxt()>>11)*(1.0/9007199254740992.0);}
static double gauss(void){double u=unif(),v=unif();if(u<1e-300)u=1e-300;return sqrt(-2*log(u))*cos(6.283185307179586*v);}
int main(int argc,char**argv){
  if(argc!=7){fprintf(stderr,"usage\n");return 2;}
  const char*m=argv[1];int L=atoi(argv[2]);int T=atoi(argv[3]);int R=atoi(argv[4]);uint64_t sd=strtoull(argv[5],0,10);
  int times[400],nt=0;double d=0;
  for(int k=0;;k++){int t=(int)floor(pow(10,k/10.0)+0.5);if(t>T)break;if(nt==0||t>times[nt-1])times[nt++]=t;}
  if(times[nt-1]!=T)times[nt++]=T;
  double*out=malloc(sizeof(double)*(size_t)R*nt*L);long*h=malloc(sizeof(long)*L);double*g=malloc(sizeof(double)*L),*g2=malloc(sizeof(double)*L);
  for(int r=0;r<R;r++){
    seed(sd*1000003ULL+r);
    for(int x=0;x<L;x++){h[x]=(strcmp(m,"ss")==0)?(x&1):0;g[x]=0;}
    int now=0;
    for(int k=0;k<nt;k++){
      for(;now<times[k];now++){
        if(strcmp(m,"ew")==0){for(int x=0;x<L;x++){int l=(x+L-1)%L,rr=(x+1)%L;g2[x]=g[x]+0.2*(g[l]-2*g[x]+g[rr])+gauss();}memcpy(g,g2,sizeof(double)*L);continue;}
        for(int a=0;a<L;a++){int x=site(L);int l=x?x-1:L-1,rr=x==L-1?0:x+1;
          if(m[0]=='r'&&m[1]=='d'){h[x]++;}
          else if(m[0]=='f'){long hx=h[x],hl=h[l],hr=h[rr];int y=x;if(hl<hx||hr<hx){if(hl<hr)y=l;else if(hr<hl)y=rr;else y=(nxt()>>63)?l:rr;}h[y]++;}
          else if(m[0]=='r'){long n1=h[x]+1;if(n1-h[l]<=1&&n1-h[rr]<=1)h[x]=n1;}
          else if(m[0]=='s'){if(h[l]>h[x]&&h[rr]>h[x])h[x]+=2;}
        }
      }
      for(int x=0;x<L;x++)out[((size_t)r*nt+k)*L+x]=(strcmp(m,"ew")==0)?g[x]:(double)h[x];
    }
  }
  FILE*f=fopen(argv[6],"wb");char hd[256];int n=snprintf(hd,sizeof hd,"{'descr': '<f8', 'fortran_order': False, 'shape': (%d, %d, %d), }",R,nt,L);
  int tot=10+n+1;int pad=(64-tot%64)%64;fwrite("\x93NUMPY\x01\x00",1,8,f);unsigned short hl=n+pad+1;fwrite(&hl,2,1,f);fwrite(hd,1,n,f);for(int i=0;i<pad;i++)fputc(' ',f);fputc('\n',f);
  fwrite(out,sizeof(double),(size_t)R*nt*L,f);fclose(f);
  char tn[512];strcpy(tn,argv[6]);char*dot=strrchr(tn,'.');strcpy(dot,".times.csv");f=fopen(tn,"w");for(int k=0;k<nt;k++)fprintf(f,"%d\n",times[k]);fclose(f);
  return 0;}
